// The job summary: what the step did, as a small Markdown table.

/** A table cell: one line, with the characters that would end the cell or open HTML escaped. */
function cell(value: string): string {
  return value.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ').replace(/[|\\<>&]/g, (c) => `&#${c.charCodeAt(0)};`)
}

export function summaryTable(heading: string, rows: Array<[string, string]>): string {
  return [`### ${cell(heading)}`, '', '| Field | Value |', '| --- | --- |', ...rows.map(([field, value]) => `| ${cell(field)} | ${cell(value)} |`), ''].join('\n')
}
