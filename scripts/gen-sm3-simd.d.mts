export const MODULE_PATH: string;
export function sm3SimdModuleSource(): Promise<string>;
