// What Platform refuses of a schedule because of the time, said before anything is written, by
// apply and plan alike: a start in the past (1360-400) and, once a flow's first run is due, a new
// start time (1366-400), a switch to once (1403-400) and a backfill change (1404-400). A start time
// is judged only where it would be sent, so a pinned start-time that has passed keeps working for
// the flow it made. Platform's own answers are explained too (client.ts): its clock may run ahead. Pure.

import type { FlowState } from './answers.js'
import type { Schedule } from './schedule.js'
import { INPUT } from './names.js'

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString()

const and = (items: readonly string[]): string => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`)

/** A new dataflow's start-time, when it is in the past; the default start never is. */
export function pastStartOfCreate(schedule: Schedule, nowMs: number): string | undefined {
  if (!schedule.startTimeGiven || schedule.startTime * 1000 >= nowMs) return undefined
  return `Input ${INPUT.startTime} ${iso(schedule.startTime)} is in the past: Platform refuses a past start for a new dataflow; give a later time, or leave ${INPUT.startTime} empty for a start a minute or so after the create.`
}

/**
 * Why Platform would refuse the schedule params an update sends (`sent`, by API name, only those
 * that differ: see changes.ts), or undefined. `name` and the flow's id go into the sentence.
 */
export function refusedScheduleUpdate(flow: FlowState, name: string, sent: Readonly<Record<string, string | null>> = {}, nowMs: number): string | undefined {
  const kept = flow.scheduleParams
  const flowStart = kept.startTime !== undefined && /^\d+$/.test(kept.startTime) ? Number(kept.startTime) : undefined
  const newStart = typeof sent.startTime === 'string' && /^\d+$/.test(sent.startTime) ? Number(sent.startTime) : undefined
  if (flowStart === undefined || flowStart * 1000 > nowMs) {
    if (newStart === undefined || newStart * 1000 >= nowMs) return undefined
    const its = flowStart === undefined ? '' : ` (${iso(flowStart)})`
    return `Input ${INPUT.startTime} ${iso(newStart)} is in the past: Platform refuses a past start; give a later time, or leave ${INPUT.startTime} empty to keep the dataflow's own${its}.`
  }
  const refused: Array<{ given: string; what: string; keep: string }> = []
  if (newStart !== undefined) refused.push({ given: `${INPUT.startTime} ${iso(newStart)}`, what: 'a new start time', keep: `leave ${INPUT.startTime} empty` })
  if (sent.frequency === 'once' && kept.frequency !== 'once') {
    refused.push({
      given: `${INPUT.frequency} once`,
      what: 'a switch to once',
      keep: kept.frequency === undefined ? `choose another ${INPUT.frequency}` : `keep ${INPUT.frequency} ${kept.frequency}`
    })
  }
  // Platform's default backfill is true: a flow that shows none has true.
  const backfill = kept.backfill ?? 'true'
  if (typeof sent.backfill === 'string' && sent.backfill !== backfill)
    refused.push({ given: `${INPUT.backfill} ${sent.backfill}`, what: 'a backfill change', keep: `keep ${INPUT.backfill} ${backfill}` })
  if (refused.length === 0) return undefined
  const list = (key: 'given' | 'what'): string => and(refused.map((item) => item[key]))
  return `Dataflow "${name}" (${flow.id}) cannot take ${list('given')}: Platform refuses ${list('what')} after a dataflow's first run is due (this one's was at ${iso(flowStart)}); ${refused.map((item) => item.keep).join(', ')}, or delete the dataflow (operation: delete) and apply again.`
}
