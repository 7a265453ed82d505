// What a run tells the workflow: its outputs, its log of a plan or dry run, and the job summary.
// Everything here is redacted first: much of it is server text, which may echo a secret.

import type { Deleted, Upserted } from './apply.js'
import { describeError } from './errors.js'
import type { Settings } from './inputs.js'
import { hasChanges, planJson, planLines, planMarkdown } from './plan-report.js'
import type { Plan } from './plan.js'
import type { Step } from './session.js'
import { subjectOf, summaryTable } from './summary.js'

export function reportDryRun(description: string, settings: Settings, step: Step): void {
  // Line by line: each log call is one line (io.ts).
  for (const line of description.split('\n')) step.log.info(line)
  setOutput('outcome', 'dry-run', step)
  summarise(
    redactedTable(
      subjectOf(settings),
      [
        ['Outcome', 'dry-run'],
        ['Sandbox', settings.sandboxName],
        ['Requests', 'listed in the step log; nothing was sent']
      ],
      step
    ),
    step
  )
}

/** The plan as outputs, log lines and summary; a plan of a failure fails the step with apply's message. */
export function reportPlan(plan: Plan, settings: Settings, step: Step): void {
  const { log, redactor } = step
  const shown = redactedPlan(plan, (text) => redactor.redact(text))
  for (const line of planLines(shown)) log.info(line)
  log.info('Nothing was written: plan reads only.')
  const markdown = redactor.redact(planMarkdown(shown, `Plan for ${subjectOf(settings)}`))
  setOutput('plan', plan.action, step)
  setOutput('has-changes', String(hasChanges(plan)), step)
  setOutput('changes', planJson(shown), step)
  setOutput('plan-markdown', markdown, step)
  if (plan.connectionId !== null) setOutput('connection-id', plan.connectionId, step)
  setOutput('outcome', 'planned', step)
  summarise(markdown, step)
  // Not thrown: the summary above already says why, and a second one would repeat it.
  if (plan.reason !== undefined) log.error(plan.reason)
}

/** Outputs go out as soon as the id is known, so a later failure (verify) still names the connection. */
export function reportResult(result: Upserted | Deleted, step: Step): void {
  setOutput('connection-id', result.id, step)
  if ('etag' in result) setOutput('etag', result.etag, step)
  setOutput('outcome', result.outcome, step)
}

/**
 * Every output goes out through here. The runner drops an output that holds a masked value, and
 * much of what the outputs carry is server text (ids, etags, versions, counts): one that holds a
 * secret in any spelling is left out, with a warning, rather than written down.
 */
export function setOutput(name: string, value: string, { io, log, redactor }: Step): void {
  if (redactor.touches(value)) {
    log.warning(
      `The ${name} value holds a masked secret, so there is no ${name} output for later jobs (the runner would drop it); if that is by chance, use a longer, less common secret.`
    )
  } else io.setOutput(name, value)
}

/**
 * The plan with every string redacted before it is rendered: the Markdown escapes characters a
 * secret may hold (<, &, |), after which redaction would no longer find it.
 */
function redactedPlan(plan: Plan, redact: (text: string) => string): Plan {
  const shown = (value: string | null): string | null => (value === null ? null : redact(value))
  return {
    ...plan,
    connectionId: shown(plan.connectionId),
    name: shown(plan.name),
    sandbox: redact(plan.sandbox),
    changes: plan.changes.map((change) => ({ ...change, from: shown(change.from), to: shown(change.to) })),
    ...(plan.reason === undefined ? {} : { reason: redact(plan.reason) })
  }
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

/** One line on what failed; `settings` is undefined when the inputs were not valid. */
function failureSummary(settings: Settings | undefined, message: string, step: Step): string {
  const rows: Array<[string, string]> = [
    ['Outcome', 'failed'],
    ['Error', message]
  ]
  if (settings) rows.push(['Sandbox', settings.sandboxName])
  return redactedTable(subjectOf(settings), rows, step)
}

export function reportFailure(error: unknown, settings: Settings | undefined, step: Step): void {
  const message = describeError(error, step.log.debug)
  step.log.error(message)
  summariseFailure(settings, message, step)
}

/** The failure in one line of the summary (the log has said it already). */
export function summariseFailure(settings: Settings | undefined, message: string, step: Step): void {
  summarise(failureSummary(settings, message, step), step)
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
    log.warning(describeError(error, log.debug))
  }
}
