import { describe, expect, it } from 'vitest';
import { blockingFindings, sarifFindings } from '../../../scripts/sarif-findings.mjs';

// The shape electronegativity 1.10 writes for `-o report.sarif`.
function report(results: unknown[]): unknown {
  return {
    $schema: 'http://json.schemastore.org/sarif-2.1.0',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'Electronegativity', rules: [] } }, results }],
  };
}
function result(ruleId: string, uri: string, startLine: number): unknown {
  return {
    ruleId,
    level: 'note',
    message: { text: `${ruleId} text, with a comma` },
    locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine, startColumn: 7, charLength: 0 } } }],
  };
}

describe('the security scan report', () => {
  it('reads every result with its check, file, line and message', () => {
    const findings = sarifFindings(
      report([result('CSP_GLOBAL_CHECK', 'electron/host/http-server.ts', 177), result('NODE_INTEGRATION_HTML_CHECK', 'renderer/index.html', 3)]),
    );
    expect(findings).toEqual([
      { check: 'CSP_GLOBAL_CHECK', file: 'electron/host/http-server.ts', line: 177, message: 'CSP_GLOBAL_CHECK text, with a comma' },
      { check: 'NODE_INTEGRATION_HTML_CHECK', file: 'renderer/index.html', line: 3, message: 'NODE_INTEGRATION_HTML_CHECK text, with a comma' },
    ]);
  });

  it('blocks every check but the accepted ones', () => {
    const findings = sarifFindings(
      report([result('CSP_GLOBAL_CHECK', 'a.ts', 1), result('OPEN_EXTERNAL_JS_CHECK', 'b.ts', 2), result('CSP_GLOBAL_CHECK', 'c.ts', 3)]),
    );
    expect(blockingFindings(findings, new Set(['CSP_GLOBAL_CHECK'])).map((f) => f.file)).toEqual(['b.ts']);
    expect(blockingFindings(findings, new Set())).toHaveLength(3);
  });

  it('reads an empty report as no findings, and a result without a location as one with an empty file', () => {
    expect(sarifFindings(report([]))).toEqual([]);
    expect(sarifFindings({})).toEqual([]);
    expect(sarifFindings(report([{ ruleId: 'X_CHECK', message: { text: 'm' } }]))).toEqual([{ check: 'X_CHECK', file: '', line: 0, message: 'm' }]);
  });
});
