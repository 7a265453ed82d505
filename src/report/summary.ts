// The job summary: what the step did, as a small Markdown table under a heading that names the
// connection, so two uses of the action in one job can be told apart.

import type { Deleted, Upserted } from '../connection/apply.js'
import { failureMessage } from '../runner/errors.js'
import { LINE_BREAK } from '../runner/io.js'
import type { Step } from '../runner/step.js'
import type { Settings } from '../settings/inputs.js'

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

/** `verify`: what Platform saw when it explored the database, or why it could not. */
export function writeSummary(settings: Settings, result: Upserted | Deleted, step: Step, verify?: { tables: number } | { failed: string }): void {
  const rows: Array<[string, string]> = [
    ['Connection id', result.id],
    ['Outcome', result.outcome],
    ['Sandbox', settings.sandboxName]
  ]
  if (verify) rows.push('tables' in verify ? ['Tables Platform sees', String(verify.tables)] : ['Verify', `failed: ${verify.failed}`])
  summarise(redactedTable(subjectOf(settings), rows, step), step)
}

/**
 * The failure in one line of the summary (the log has said it already), under either action's
 * heading; `sandbox` is undefined when the inputs were not valid.
 */
export function summariseFailureOf(heading: string, sandbox: string | undefined, message: string, step: Step): void {
  const rows: Array<[string, string]> = [
    ['Outcome', 'failed'],
    ['Error', message]
  ]
  if (sandbox !== undefined) rows.push(['Sandbox', sandbox])
  summarise(redactedTable(heading, rows, step), step)
}

export function summariseFailure(settings: Settings | undefined, message: string, step: Step): void {
  summariseFailureOf(subjectOf(settings), settings?.sandboxName, message, step)
}

/** A summary table of redacted values: the Markdown escapes characters a secret may hold, after which redaction would no longer find it. */
export function redactedTable(heading: string, rows: Array<[string, string]>, { redactor }: Step): string {
  const redact = (text: string): string => redactor.redact(text)
  return summaryTable(
    redact(heading),
    rows.map(([field, value]) => [field, redact(value)])
  )
}

/**
 * Every summary passes through the redactor too: an id or an API message could hold a secret.
 * The summary only repeats what the log and outputs say, so failing to write it is a warning.
 */
export function summarise(markdown: string, { io, log, redactor }: Step): void {
  try {
    io.appendSummary(redactor.redact(markdown))
  } catch (error) {
    log.warning(failureMessage(error, log.debug))
  }
}
