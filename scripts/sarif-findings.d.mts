export interface Finding {
  check: string;
  file: string;
  line: number;
  message: string;
}
export function sarifFindings(sarif: unknown): Finding[];
export function blockingFindings(findings: Finding[], accepted: ReadonlySet<string>): Finding[];
