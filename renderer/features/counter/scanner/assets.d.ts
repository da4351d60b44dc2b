// The bundler turns `?url` imports into the URL of the emitted asset (Vite's own typings say the same).
declare module '*.wasm?url' {
  const url: string;
  export default url;
}
