import { type ScheduleInputs, defaultStartTime, readSchedule } from '../src/dataflow/schedule.js'

// 2030-01-31T06:00:30.500Z
const NOW = Date.UTC(2030, 0, 31, 6, 0, 30, 500)
const NOW_S = Math.floor(NOW / 1000)

const inputs = (overrides: Partial<ScheduleInputs> = {}): ScheduleInputs => ({ frequency: '', interval: '', startTime: '', backfill: '', deltaColumn: 'updated_at', ...overrides })

function problemsOf(overrides: Partial<ScheduleInputs>): string[] {
  const read = readSchedule(inputs(overrides), NOW)
  if (read.ok) throw new Error('expected problems')
  return read.problems.map((problem) => problem.message)
}

describe('readSchedule', () => {
  it('defaults: hour, interval 1, backfill true, start at the first whole minute at least 30 s ahead (not given)', () => {
    expect(readSchedule(inputs(), NOW)).toEqual({
      ok: true,
      schedule: { frequency: 'hour', interval: 1, backfill: true, deltaColumn: 'updated_at', startTime: Date.UTC(2030, 0, 31, 6, 2) / 1000, startTimeGiven: false }
    })
  })

  it('the default start is a whole minute at least 30 s ahead, also a moment before a whole minute', () => {
    expect(defaultStartTime(Date.UTC(2030, 0, 31, 6, 1))).toBe(Date.UTC(2030, 0, 31, 6, 2) / 1000)
    expect(defaultStartTime(Date.UTC(2030, 0, 31, 6, 0, 59, 900))).toBe(Date.UTC(2030, 0, 31, 6, 2) / 1000)
    expect(defaultStartTime(Date.UTC(2030, 0, 31, 6, 0, 29))).toBe(Date.UTC(2030, 0, 31, 6, 1) / 1000)
    expect(defaultStartTime(NOW) * 1000).toBeGreaterThanOrEqual(NOW + 30_000)
  })

  it.each([
    ['2030-02-01T00:00:00Z', Date.UTC(2030, 1, 1) / 1000],
    ['2030-02-01T02:00:00+02:00', Date.UTC(2030, 1, 1) / 1000],
    ['2030-02-01T02:00+0200', Date.UTC(2030, 1, 1) / 1000],
    ['2030-02-01T00:00:00.999Z', Date.UTC(2030, 1, 1) / 1000],
    [String(NOW_S + 1), NOW_S + 1],
    // In the past: judged only where it would be sent (start-rules.ts), as a flow's own start time may be.
    [String(NOW_S - 1), NOW_S - 1],
    ['2020-01-01T00:00:00Z', Date.UTC(2020, 0, 1) / 1000]
  ])('start-time %s is epoch %d, given', (startTime, seconds) => {
    const read = readSchedule(inputs({ startTime }), NOW)
    expect(read).toMatchObject({ ok: true, schedule: { startTime: seconds, startTimeGiven: true } })
  })

  it.each([
    ['epoch milliseconds', String(NOW + 60_000), /looks like epoch milliseconds/],
    [
      'a time without a zone',
      '2030-02-01T00:00:00',
      /^start-time 2030-02-01T00:00:00 has no time zone: give an ISO 8601 time with a zone \(2030-01-31T06:00:00Z, or an offset such as \+02:00\) or epoch seconds\.$/
    ],
    ['a date alone', '2030-02-01', /^start-time 2030-02-01 is a date without a time or zone: give an ISO 8601 time with a zone .* or epoch seconds\.$/],
    ['a time without seconds or zone', '2030-02-01T06:00', /has no time zone/],
    ['an impossible date', '2030-02-31T00:00:00Z', /neither an ISO 8601 time/],
    ['words', 'tomorrow', /neither an ISO 8601 time/]
  ])('refuses %s', (_, startTime, message) => {
    const problems = problemsOf({ startTime })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(message)
  })

  it.each([
    ['minute', '15', 15],
    ['day', '2', 2],
    ['week', '1', 1]
  ])('frequency %s with interval %s', (frequency, interval, value) => {
    expect(readSchedule(inputs({ frequency, interval }), NOW)).toMatchObject({ ok: true, schedule: { frequency, interval: value } })
  })

  it.each([
    ['minute', '527040', 527040],
    ['hour', '8784', 8784],
    ['day', '366', 366],
    ['week', '053', 53]
  ])('frequency %s takes interval %s, a year', (frequency, interval, value) => {
    expect(readSchedule(inputs({ frequency, interval }), NOW)).toMatchObject({ ok: true, schedule: { interval: value } })
  })

  it.each([
    ['minute', '14', "interval 14 must be a whole number from 15 to 527040 with frequency minute (Platform's shortest is 15 minutes, the longest taken is a year)."],
    ['minute', '', /^interval \(empty, so 1\) must be a whole number from 15 to 527040/],
    ['hour', '0', 'interval 0 must be a whole number from 1 to 8784 with frequency hour (the longest taken is a year).'],
    ['hour', '99999999999', /^interval 99999999999 must be a whole number from 1 to 8784 with frequency hour/],
    ['day', '367', /^interval 367 must be a whole number from 1 to 366 with frequency day/],
    ['week', '54', /^interval 54 must be a whole number from 1 to 53 with frequency week/],
    ['hour', '1.5', /^interval "1\.5" must be a whole number from 1/],
    ['hour', '-2', /^interval "-2" must be a whole number from 1/]
  ])('frequency %s refuses interval %j', (frequency, interval, message) => {
    expect(problemsOf({ frequency, interval })).toEqual([typeof message === 'string' ? message : expect.stringMatching(message)])
  })

  it.each([
    ['false', false],
    ['FALSE', false],
    ['True', true]
  ])('backfill %s', (backfill, value) => {
    expect(readSchedule(inputs({ backfill }), NOW)).toMatchObject({ ok: true, schedule: { backfill: value } })
  })

  it('once: no interval, backfill or delta column', () => {
    expect(readSchedule(inputs({ frequency: 'once', deltaColumn: '' }), NOW)).toEqual({
      ok: true,
      schedule: { frequency: 'once', startTime: Date.UTC(2030, 0, 31, 6, 2) / 1000, startTimeGiven: false }
    })
  })

  it('once refuses interval, backfill and delta-column given, all at once', () => {
    const problems = problemsOf({ frequency: 'once', interval: '1', backfill: 'true', deltaColumn: 'updated_at' })
    expect(problems).toHaveLength(3)
    expect(problems.join(' ')).toMatch(/interval is given.*backfill is given.*delta-column is given/)
  })

  it('reports every problem at once', () => {
    const problems = problemsOf({ frequency: 'minute', interval: '5', backfill: 'yes', deltaColumn: '', startTime: 'soon' })
    expect(problems).toHaveLength(4)
    expect(problems.join('\n')).toMatch(
      /start-time "soon" is neither[\s\S]*interval 5 must be a whole number from 15[\s\S]*backfill "yes"[\s\S]*delta-column is required with frequency minute/
    )
  })

  it('an unknown frequency is named, with the ones there are', () => {
    expect(problemsOf({ frequency: 'hourly' })).toEqual(['frequency "hourly" is not one of once, minute, hour, day, week.'])
  })
})
