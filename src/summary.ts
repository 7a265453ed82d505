// The job summary: what the step did, as a small Markdown table under a heading that names the
// connection, so two uses of the action in one job can be told apart.

import type { Settings } from './inputs.js'
import { LINE_BREAK } from './io.js'

const LINE_BREAKS = new RegExp(`${LINE_BREAK.source}+`, 'g')

/**
 * A table cell: one line, with the characters that would end the cell or open HTML escaped, and
 * those that would mention someone or make a link (`@`, `[`, `]`): plan-markdown becomes a
 * pull-request comment, and much of it is text from Platform.
 */
export function cell(value: string): string {
  return value.replace(LINE_BREAKS, ' ').replace(/[|\\<>&@[\]]/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * GitHub finds mentions and references in the text it has decoded, so `&#64;` mentions as `@`
 * does: a zero-width joiner after each @ (as cell writes it), each # before a word and each
 * GH- before a number keeps them text that reads the same. Applied to Markdown made of cells.
 */
export function unlinked(markdown: string): string {
  return markdown.replace(/&#64;|(?<!&)#(?=[\p{L}\p{N}_])|\bGH-(?=\d)/giu, (mark) => `${mark}\u200d`)
}

export function summaryTable(heading: string, rows: Array<[string, string]>): string {
  return unlinked([`### ${cell(heading)}`, '', '| Field | Value |', '| --- | --- |', ...rows.map(([field, value]) => `| ${cell(field)} | ${cell(value)} |`), ''].join('\n'))
}

/** The connection a step is about: by name, or by id for a delete by id, whose name is never looked up. */
export function subjectOf(settings: Settings | undefined): string {
  const kind = 'MySQL source connection'
  if (!settings) return kind
  if (settings.operation === 'upsert') return `${kind} "${settings.name}"`
  const { connection } = settings
  return connection.by === 'id' ? `${kind} ${connection.id}` : `${kind} "${connection.name}"`
}
