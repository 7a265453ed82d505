// What a run tells the workflow: its outputs, and its log and summary of a plan, a dry run or a failure.
// Everything here is redacted first: much of it is server text, which may echo a secret.

import type { Deleted, Upserted } from '../connection/apply.js'
import type { Plan } from '../connection/plan.js'
import { failureMessage } from '../runner/errors.js'
import type { Step } from '../runner/step.js'
import type { Settings } from '../settings/inputs.js'
import { OUTPUT, type OutputName } from '../settings/names.js'
import { type PlanOf, type Subject, hasChanges, planJson, planLines, planMarkdown } from './plan-markdown.js'
import { redactedTable, subjectOf, summarise, summariseFailure } from './summary.js'

export function reportDryRun(description: string, settings: Settings, step: Step): void {
  // Line by line: each log call is one line (io.ts).
  for (const line of description.split('\n')) step.log.info(line)
  setOutput(OUTPUT.outcome, 'dry-run', step)
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

/** What a plan is of: its summary heading, its words (the connection's when absent), and the output for its id. */
interface PlanReport {
  heading: string
  subject?: Subject
  idOutput: string
}

/**
 * The plan as outputs, log lines and summary, for either action; a plan of a failure fails the
 * step with apply's message. Returns the plan's Markdown, redacted, for the pull-request comment.
 * The plan's action, its id and the outcome are the run's own words (see setOutput).
 */
export function reportPlanOf(plan: PlanOf, { heading, subject, idOutput }: PlanReport, step: Step): string {
  const { log, redactor } = step
  const shown = redactedPlan(plan, (text) => redactor.redact(text))
  for (const line of planLines(shown, subject)) log.info(line)
  log.info('Nothing was written: plan reads only.')
  const markdown = redactor.redact(planMarkdown(shown, `Plan for ${heading}`, subject))
  setOutput(OUTPUT.plan, plan.action, step, true)
  setOutput(OUTPUT.hasChanges, String(hasChanges(plan)), step, true)
  setOutput(OUTPUT.changes, planJson(shown, subject), step)
  setOutput(OUTPUT.planMarkdown, markdown, step)
  if (plan.connectionId !== null) setOutput(idOutput, plan.connectionId, step, true)
  setOutput(OUTPUT.outcome, 'planned', step, true)
  summarise(markdown, step)
  // Not thrown: the summary above already says why, and a second one would repeat it.
  if (plan.reason !== undefined) log.error(plan.reason)
  return markdown
}

export function reportPlan(plan: Plan, settings: Settings, step: Step): string {
  return reportPlanOf(plan, { heading: subjectOf(settings), idOutput: OUTPUT.connectionId }, step)
}

/**
 * The outputs the run itself makes: an id, a word, a count. A look-alike of a secret, or a secret
 * too short to tell from ordinary text, never costs the workflow one of them (see Redactor.holds).
 */
const OWN_OUTPUTS = new Set<OutputName>([OUTPUT.connectionId, OUTPUT.outcome, OUTPUT.plan, OUTPUT.hasChanges, OUTPUT.tableCount, OUTPUT.mysqlTableCount])

/** Outputs go out as soon as the id is known, so a later failure (verify) still names the connection. */
export function reportResult(result: Upserted | Deleted, step: Step): void {
  setOutput(OUTPUT.connectionId, result.id, step)
  if ('etag' in result) setOutput(OUTPUT.etag, result.etag, step)
  setOutput(OUTPUT.outcome, result.outcome, step)
}

/**
 * Every output goes out through here. The runner drops an output that holds a masked value, and
 * much of what the outputs carry is server text (etags, versions, plans): one that holds a
 * secret in any spelling is left out, with a warning, rather than written down.
 */
export function setOutput(name: string, value: string, { io, log, redactor }: Step, own = OWN_OUTPUTS.has(name as OutputName)): void {
  if (own ? redactor.holds(value) : redactor.touches(value)) {
    log.warning(
      `The ${name} value holds a masked secret, so there is no ${name} output for later jobs (the runner would drop it); if that is by chance, use a longer, less common secret.`
    )
  } else io.setOutput(name, value)
}

/**
 * The plan with every string redacted before it is rendered: the Markdown escapes characters a
 * secret may hold (<, &, |), after which redaction would no longer find it.
 */
function redactedPlan<P extends PlanOf>(plan: P, redact: (text: string) => string): P {
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

export function reportFailure(error: unknown, settings: Settings | undefined, step: Step): void {
  const message = failureMessage(error, step.log.debug)
  step.log.error(message)
  summariseFailure(settings, message, step)
}
