// The schedule inputs (frequency, interval, start-time, backfill, delta-column) checked against the
// rules of the CRMToAEP flow spec and the sources error catalogue, every problem at once, with the
// time of "now" given, never read here.

export const FREQUENCIES = ['once', 'minute', 'hour', 'day', 'week'] as const
export type Frequency = (typeof FREQUENCIES)[number]

export const DEFAULT_FREQUENCY: Frequency = 'hour'

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

export type ScheduleRead = { ok: true; schedule: Schedule } | { ok: false; problems: string[] }

// The boolean spellings of the Actions toolkit's getBooleanInput (YAML 1.2 core schema).
const TRUE = ['true', 'True', 'TRUE']
const FALSE = ['false', 'False', 'FALSE']

/**
 * ISO 8601 with a zone (Z or ±hh:mm), or a date alone (midnight UTC). A time without a zone would
 * be read in the runner's zone, which nobody means: refused.
 */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/
const ISO_WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/
const EPOCH_SECONDS = /^\d{1,11}$/

/** Date.parse rolls 2030-02-31 over into March: the fields are checked against the calendar first. */
function onTheCalendar(value: string): boolean {
  const fields = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(value) ?? []
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = fields.slice(1).map((field) => Number(field ?? 0))
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60
}
const EPOCH_MILLISECONDS = /^\d{12,14}$/

/**
 * The default start: now, rounded up to the next whole minute, so that it is not already in the
 * past (1360-400) when the request reaches Platform a moment later.
 */
export function defaultStartTime(nowMs: number): number {
  return Math.ceil((nowMs + 1) / 60_000) * 60
}

function readStartTime(value: string, nowMs: number, problems: string[]): number | undefined {
  if (value === '') return defaultStartTime(nowMs)
  let seconds: number
  if (EPOCH_SECONDS.test(value)) seconds = Number(value)
  else if (EPOCH_MILLISECONDS.test(value)) {
    problems.push(`start-time ${value} looks like epoch milliseconds: give epoch seconds (${value.slice(0, -3)}) or an ISO 8601 time such as 2030-01-31T06:00:00Z.`)
    return undefined
  } else if (ISO_WITHOUT_ZONE.test(value)) {
    problems.push(`start-time ${value} has no time zone: add Z for UTC or an offset such as +02:00.`)
    return undefined
  } else if (ISO_8601.test(value) && onTheCalendar(value) && !Number.isNaN(Date.parse(value))) seconds = Math.floor(Date.parse(value) / 1000)
  else {
    problems.push(`start-time "${value.slice(0, 40)}" is neither an ISO 8601 time (2030-01-31T06:00:00Z) nor epoch seconds: give one of those, or leave it empty for now.`)
    return undefined
  }
  if (seconds * 1000 < nowMs) {
    problems.push(`start-time ${value} is in the past (${new Date(seconds * 1000).toISOString()}): Platform refuses a past start; give a later time or leave it empty for now.`)
    return undefined
  }
  return seconds
}

/** Every schedule problem at once; `nowMs` is the caller's clock. */
export function readSchedule(inputs: ScheduleInputs, nowMs: number): ScheduleRead {
  const problems: string[] = []
  const frequencyText = inputs.frequency.trim() === '' ? DEFAULT_FREQUENCY : inputs.frequency.trim()
  const frequency = FREQUENCIES.find((f) => f === frequencyText)
  if (!frequency) problems.push(`frequency "${frequencyText.slice(0, 40)}" is not one of ${FREQUENCIES.join(', ')}.`)
  const interval = inputs.interval.trim()
  const backfill = inputs.backfill.trim()
  const deltaColumn = inputs.deltaColumn.trim()
  const startTime = readStartTime(inputs.startTime.trim(), nowMs, problems)

  if (frequency === 'once') {
    // Refused, not ignored: a value the user gave that would silently not apply.
    if (interval !== '') problems.push('interval is given, but frequency once runs a single time and takes no interval: remove interval or choose another frequency.')
    if (backfill !== '') problems.push('backfill is given, but frequency once takes no backfill: remove backfill or choose another frequency.')
    if (deltaColumn !== '')
      problems.push('delta-column is given, but Platform refuses a delta column on a flow with frequency once: remove delta-column or choose another frequency.')
    if (problems.length > 0 || startTime === undefined) return { ok: false, problems }
    return { ok: true, schedule: { frequency, startTime, startTimeGiven: inputs.startTime.trim() !== '' } }
  }

  let intervalValue: number | undefined = 1
  if (interval !== '') {
    intervalValue = /^\d{1,9}$/.test(interval) && Number(interval) > 0 ? Number(interval) : undefined
    if (intervalValue === undefined) problems.push(`interval "${interval.slice(0, 40)}" is not a whole number of at least 1.`)
  }
  if (frequency === 'minute' && intervalValue !== undefined && intervalValue < 15) {
    problems.push(
      `interval ${interval === '' ? '(empty, so 1)' : intervalValue} is too short for frequency minute: Platform runs a flow at most every 15 minutes; give interval 15 or more.`
    )
  }
  let backfillValue: boolean | undefined = true
  if (backfill !== '') {
    backfillValue = TRUE.includes(backfill) ? true : FALSE.includes(backfill) ? false : undefined
    if (backfillValue === undefined) problems.push(`backfill "${backfill.slice(0, 40)}" is not true or false.`)
  }
  if (deltaColumn === '' && frequency !== undefined) {
    problems.push(`delta-column is required with frequency ${frequency}: name the column (a date-time, yyyy-MM-dd HH:mm:ss) by which Platform finds new and changed rows.`)
  }
  if (problems.length > 0 || !frequency || startTime === undefined || intervalValue === undefined || backfillValue === undefined) return { ok: false, problems }
  return { ok: true, schedule: { frequency, startTime, startTimeGiven: inputs.startTime.trim() !== '', interval: intervalValue, backfill: backfillValue, deltaColumn } }
}
