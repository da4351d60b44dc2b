// Reads electronegativity's SARIF report. The CSV report cannot be trusted: electronegativity
// writes its header and its rows with two concurrent fs.writeFile calls, so the header can
// land after the rows and overwrite the start of the first one. The SARIF report is one write.

/** Every result of the report, as { check, file, line, message }. */
export function sarifFindings(sarif) {
  const runs = Array.isArray(sarif?.runs) ? sarif.runs : [];
  return runs.flatMap((run) =>
    (Array.isArray(run.results) ? run.results : []).map((result) => {
      const location = result.locations?.[0]?.physicalLocation;
      return {
        check: String(result.ruleId ?? ''),
        file: String(location?.artifactLocation?.uri ?? ''),
        line: Number(location?.region?.startLine ?? 0),
        message: String(result.message?.text ?? ''),
      };
    }),
  );
}

/** Splits findings into the accepted review notes and the ones to fix. */
export function blockingFindings(findings, accepted) {
  return findings.filter((f) => !accepted.has(f.check));
}
