// The schedule inputs (frequency, interval, start-time, backfill, delta-column) checked against the
// rules of the CRMToAEP flow spec and the sources error catalogue, every problem at once. "Now" is
// given, for the default start; whether a given start is past is judged where it would be sent.

import { INPUT } from './names.js'

const FREQUENCIES = ['once', 'minute', 'hour', 'day', 'week'] as const
type Frequency = (typeof FREQUENCIES)[number]

const DEFAULT_FREQUENCY: Frequency = 'hour'

/**
 * The interval each frequency takes: at least Platform's minimum (15 for minute, 1 otherwise), at
 * most a (leap) year's worth, so that a typo of extra digits is refused rather than sent.
 */
const INTERVALS: Record<Exclude<Frequency, 'once'>, [number, number]> = { minute: [15, 366 * 24 * 60], hour: [1, 366 * 24], day: [1, 366], week: [1, 53] }

/** The raw inputs, '' when not given (action.yml declares no default for interval, backfill, delta-column). */
export interface ScheduleInputs {
  frequency: string
  interval: string
  startTime: string
  backfill: string
  deltaColumn: string
}

export interface Schedule {
  frequency: Frequency
  /** Epoch seconds. */
  startTime: number
  /** False when start-time was not given: only a create sends the default; an update leaves the flow's. */
  startTimeGiven: boolean
  /** Absent for `once`, which takes none. */
  interval?: number
  /** Absent for `once`, which takes none. */
  backfill?: boolean
  /** Absent for `once`, which takes none at create (1369-400). */
  deltaColumn?: string
}

/** A problem of one input: `message` starts with the input's name. */
interface ScheduleProblem {
  input: string
  message: string
}

type ScheduleRead = { ok: true; schedule: Schedule } | { ok: false; problems: ScheduleProblem[] }

// The boolean spellings of the Actions toolkit's getBooleanInput (YAML 1.2 core schema).
const TRUE = ['true', 'True', 'TRUE']
const FALSE = ['false', 'False', 'FALSE']

/**
 * ISO 8601 with a time and a zone (Z or ±hh:mm). A time without a zone would be read in the
 * runner's zone, and a date alone is midnight somewhere: neither is what anybody can be sure of.
 */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/
const ISO_WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/
const ACCEPTED = 'give an ISO 8601 time with a zone (2030-01-31T06:00:00Z, or an offset such as +02:00) or epoch seconds'
const EPOCH_SECONDS = /^\d{1,11}$/

/** Date.parse rolls 2030-02-31 over into March: the fields are checked against the calendar first. */
function onTheCalendar(value: string): boolean {
  const fields = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(value) ?? []
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = fields.slice(1).map((field) => Number(field ?? 0))
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60
}
const EPOCH_MILLISECONDS = /^\d{12,14}$/

/** Platform refuses a start time already past when the flow's create reaches it (1360-400). */
const START_LEAD_MS = 30_000

/**
 * The default start: the first whole minute at least START_LEAD_MS from now. The create computes
 * it again as it sends the flow, so reads, lost answers and look-agains before it cannot make it past.
 */
export function defaultStartTime(nowMs: number): number {
  return Math.ceil((nowMs + START_LEAD_MS) / 60_000) * 60
}

/** Epoch seconds; whether a time is in the past is judged only where it would be sent (see start-rules.ts). */
function readStartTime(value: string, nowMs: number, problem: (input: string, rest: string) => void): number | undefined {
  if (value === '') return defaultStartTime(nowMs)
  if (EPOCH_SECONDS.test(value)) return Number(value)
  if (EPOCH_MILLISECONDS.test(value)) {
    problem(INPUT.startTime, `${value} looks like epoch milliseconds: give epoch seconds (${value.slice(0, -3)}) or an ISO 8601 time such as 2030-01-31T06:00:00Z.`)
    return undefined
  }
  if (ISO_WITHOUT_ZONE.test(value)) {
    const what = value.includes('T') ? 'has no time zone' : 'is a date without a time or zone'
    problem(INPUT.startTime, `${value} ${what}: ${ACCEPTED}.`)
    return undefined
  }
  if (ISO_8601.test(value) && onTheCalendar(value) && !Number.isNaN(Date.parse(value))) return Math.floor(Date.parse(value) / 1000)
  problem(INPUT.startTime, `"${value.slice(0, 40)}" is neither an ISO 8601 time nor epoch seconds: ${ACCEPTED}, or leave it empty for now.`)
  return undefined
}

/** Every schedule problem at once; `nowMs` is the caller's clock, for the default start. */
export function readSchedule(inputs: ScheduleInputs, nowMs: number): ScheduleRead {
  const problems: ScheduleProblem[] = []
  const problem = (input: string, rest: string): void => {
    problems.push({ input, message: `${input} ${rest}` })
  }
  const frequencyText = inputs.frequency.trim() === '' ? DEFAULT_FREQUENCY : inputs.frequency.trim()
  const frequency = FREQUENCIES.find((f) => f === frequencyText)
  if (!frequency) problem(INPUT.frequency, `"${frequencyText.slice(0, 40)}" is not one of ${FREQUENCIES.join(', ')}.`)
  const interval = inputs.interval.trim()
  const backfill = inputs.backfill.trim()
  const deltaColumn = inputs.deltaColumn.trim()
  const startTime = readStartTime(inputs.startTime.trim(), nowMs, problem)

  if (frequency === 'once') {
    // Refused, not ignored: a value the user gave that would silently not apply.
    if (interval !== '')
      problem(
        INPUT.interval,
        `is given, but ${INPUT.frequency} once runs a single time and takes no ${INPUT.interval}: remove ${INPUT.interval} or choose another ${INPUT.frequency}.`
      )
    if (backfill !== '') problem(INPUT.backfill, `is given, but ${INPUT.frequency} once takes no ${INPUT.backfill}: remove ${INPUT.backfill} or choose another ${INPUT.frequency}.`)
    if (deltaColumn !== '')
      problem(
        INPUT.deltaColumn,
        `is given, but Platform refuses a delta column on a flow with ${INPUT.frequency} once: remove ${INPUT.deltaColumn} or choose another ${INPUT.frequency}.`
      )
    if (problems.length > 0 || startTime === undefined) return { ok: false, problems }
    return { ok: true, schedule: { frequency, startTime, startTimeGiven: inputs.startTime.trim() !== '' } }
  }

  let intervalValue: number | undefined = 1
  if (frequency !== undefined) {
    const [least, most] = INTERVALS[frequency]
    const given = /^\d{1,9}$/.test(interval) ? Number(interval) : undefined
    intervalValue = interval === '' ? 1 : given
    if (intervalValue === undefined || intervalValue < least || intervalValue > most) {
      const shown = interval === '' ? '(empty, so 1)' : /^\d+$/.test(interval) ? interval : `"${interval.slice(0, 40)}"`
      const shortest = frequency === 'minute' ? "Platform's shortest is 15 minutes, " : ''
      problem(INPUT.interval, `${shown} must be a whole number from ${least} to ${most} with ${INPUT.frequency} ${frequency} (${shortest}the longest taken is a year).`)
      intervalValue = undefined
    }
  }
  let backfillValue: boolean | undefined = true
  if (backfill !== '') {
    backfillValue = TRUE.includes(backfill) ? true : FALSE.includes(backfill) ? false : undefined
    if (backfillValue === undefined) problem(INPUT.backfill, `"${backfill.slice(0, 40)}" is not true or false.`)
  }
  if (deltaColumn === '' && frequency !== undefined) {
    problem(INPUT.deltaColumn, `is required with ${INPUT.frequency} ${frequency}: name the column (a date-time, yyyy-MM-dd HH:mm:ss) by which Platform finds new and changed rows.`)
  }
  if (problems.length > 0 || !frequency || startTime === undefined || intervalValue === undefined || backfillValue === undefined) return { ok: false, problems }
  return { ok: true, schedule: { frequency, startTime, startTimeGiven: inputs.startTime.trim() !== '', interval: intervalValue, backfill: backfillValue, deltaColumn } }
}
