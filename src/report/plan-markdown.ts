// A plan, written out: the JSON of the changes output, the Markdown of the plan-markdown output
// and the job summary (in the style of a Terraform plan), and the lines of the log. Pure.

import type { Plan } from '../connection/plan.js'
import { cell, unlinked } from './summary.js'

/** A plan of either action: the connection's, or the dataflow's (whose fields are its own, e.g. "mapping _id"). */
export interface PlanOf extends Omit<Plan, 'changes'> {
  changes: Change[]
}

/** One field of a plan, of either action: null where it is not there, or not set. */
export interface Change {
  field: string
  from: string | null
  to: string | null
}

/** What a plan is about: its noun in sentences, and the key of its id in the changes output. */
export interface Subject {
  noun: 'connection' | 'dataflow'
  idKey: 'connectionId' | 'dataflowId'
  /**
   * Whether Platform shows every current value, so that one missing in an update is not there (a
   * dataflow's new mapping row) rather than hidden (a connection's auth params).
   */
  showsAll: boolean
}

const CONNECTION: Subject = { noun: 'connection', idKey: 'connectionId', showsAll: false }

/** Characters of one value shown in the Markdown or the log; the changes output holds it whole. */
const MAX_VALUE_CHARS = 1000
/** A pull-request comment holds 65,536 characters; this leaves room for the comment's own frame. */
const MAX_MARKDOWN_CHARS = 60_000
const CUT_NOTE = '\n_The plan is cut here to fit a pull-request comment; the full plan is in the `changes` output._\n'

/** The value and how much of it was left out, cut by code point so no character is split. */
function cut(value: string): { kept: string; left: number } {
  if (value.length <= MAX_VALUE_CHARS) return { kept: value, left: 0 }
  const chars = [...value]
  return chars.length <= MAX_VALUE_CHARS ? { kept: value, left: 0 } : { kept: chars.slice(0, MAX_VALUE_CHARS).join(''), left: chars.length - MAX_VALUE_CHARS }
}

const more = (left: number): string => (left === 0 ? '' : `… (${left.toLocaleString('en-US')} more characters)`)

/** Markdown longer than a comment holds, cut at a line (or, within one long line, at a character) and noted. */
function capped(markdown: string): string {
  if (markdown.length <= MAX_MARKDOWN_CHARS) return markdown
  let kept = markdown.slice(0, MAX_MARKDOWN_CHARS - CUT_NOTE.length - 1)
  const line = kept.lastIndexOf('\n')
  // At a line when that keeps most of it; within one long line, no half of a surrogate pair or of an entity cell() wrote.
  kept = line > kept.length / 2 ? kept.slice(0, line) : kept.replace(/[\ud800-\udbff]$/, '').replace(/&#?\w*$/, '')
  return `${kept}\n${CUT_NOTE}`
}

/** True when applying would write: create, update or delete. */
export function hasChanges(plan: PlanOf): boolean {
  return plan.action === 'create' || plan.action === 'update' || plan.action === 'delete'
}

/** Exactly the keys the changes output documents, in that order. */
export function planJson(plan: PlanOf, { idKey }: Subject = CONNECTION): string {
  const { action, connectionId, name, sandbox, changes } = plan
  return JSON.stringify({ action, [idKey]: connectionId, name, sandbox, changes })
}

/** Terraform's markers: + a value appears, - it goes, ~ it changes (in an update, also one Platform may hide now). */
function marker(change: Change, action: PlanOf['action'], { showsAll }: Subject): string {
  if (action === 'update' && !showsAll) return '~'
  if (change.from === null) return '+'
  if (change.to === null) return '-'
  return '~'
}

/** In an update of a subject Platform hides values of, a missing current value is one it does not show, not a new field. */
function shown(value: string | null, action: PlanOf['action'], { showsAll }: Subject): string {
  if (value === null) return action === 'update' && !showsAll ? '(not shown)' : '—'
  if (value === '') return '(empty)'
  const { kept, left } = cut(value)
  return `${cell(kept)}${more(left)}`
}

/** One sentence: what applying would do. */
function headline(plan: PlanOf, { noun }: Subject): string {
  const id = plan.connectionId ?? ''
  switch (plan.action) {
    case 'create':
      return `+ create a ${noun} named "${plan.name ?? ''}" in sandbox "${plan.sandbox}".`
    case 'update':
      return `~ update ${noun} ${id} in place, in sandbox "${plan.sandbox}".`
    case 'delete':
      return `- delete ${noun} ${id} ("${plan.name ?? ''}") from sandbox "${plan.sandbox}".`
    case 'reuse':
      // A dataflow is also left as it is when nothing differs (if-exists: update).
      return noun === 'dataflow'
        ? `No changes: ${noun} ${id} exists and applying would leave it as it is.`
        : `No changes: ${noun} ${id} exists and would be reused as it is (if-exists: reuse).`
    case 'absent':
      return `No changes: the ${noun} does not exist in sandbox "${plan.sandbox}", so there is nothing to delete.`
    case 'fail':
      return `Applying would fail: ${plan.reason ?? ''}`
  }
}

function tally(plan: PlanOf): string | undefined {
  if (!hasChanges(plan)) return undefined
  const count = (action: PlanOf['action']): number => (plan.action === action ? 1 : 0)
  return `Plan: ${count('create')} to add, ${count('update')} to change, ${count('delete')} to destroy.`
}

/** Mentions and references neutralised (see unlinked), and no longer than a comment holds. */
export function planMarkdown(plan: PlanOf, heading: string, subject: Subject = CONNECTION): string {
  const lines = [`### ${cell(heading)}`, '', `**${cell(headline(plan, subject))}**`, '']
  if (plan.changes.length > 0) {
    lines.push('| | Field | Now | After apply |', '| --- | --- | --- | --- |')
    for (const change of plan.changes)
      lines.push(`| ${marker(change, plan.action, subject)} | ${cell(change.field)} | ${shown(change.from, plan.action, subject)} | ${shown(change.to, plan.action, subject)} |`)
    lines.push('')
  }
  const total = tally(plan)
  if (total) lines.push(total, '')
  return capped(unlinked(lines.join('\n')))
}

/** For the log: the headline, then one line per change. */
export function planLines(plan: PlanOf, subject: Subject = CONNECTION): string[] {
  const quoted = (value: string | null): string => {
    if (value === null) return 'null'
    const { kept, left } = cut(value)
    return `${JSON.stringify(kept)}${more(left)}`
  }
  const lines = [`Plan: ${headline(plan, subject)}`]
  for (const change of plan.changes) lines.push(`  ${marker(change, plan.action, subject)} ${change.field}: ${quoted(change.from)} -> ${quoted(change.to)}`)
  const total = tally(plan)
  if (total) lines.push(total)
  return lines
}
