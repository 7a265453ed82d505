import { type ScheduleInputs, defaultStartTime, readSchedule } from '../src/dataflow/schedule.js'

// 2030-01-31T06:00:30.500Z
const NOW = Date.UTC(2030, 0, 31, 6, 0, 30, 500)
const NOW_S = Math.floor(NOW / 1000)

const inputs = (overrides: Partial<ScheduleInputs> = {}): ScheduleInputs => ({ frequency: '', interval: '', startTime: '', backfill: '', deltaColumn: 'updated_at', ...overrides })

function problemsOf(overrides: Partial<ScheduleInputs>): string[] {
  const read = readSchedule(inputs(overrides), NOW)
  if (read.ok) throw new Error('expected problems')
  return read.problems
}

describe('readSchedule', () => {
  it('defaults: hour, interval 1, backfill true, start at the next whole minute (not given)', () => {
    expect(readSchedule(inputs(), NOW)).toEqual({
      ok: true,
      schedule: { frequency: 'hour', interval: 1, backfill: true, deltaColumn: 'updated_at', startTime: Date.UTC(2030, 0, 31, 6, 1) / 1000, startTimeGiven: false }
    })
  })

  it('the default start is never now or earlier, even on a whole minute', () => {
    expect(defaultStartTime(Date.UTC(2030, 0, 31, 6, 1))).toBe(Date.UTC(2030, 0, 31, 6, 2) / 1000)
    expect(defaultStartTime(NOW) * 1000).toBeGreaterThan(NOW)
  })

  it.each([
    ['2030-02-01T00:00:00Z', Date.UTC(2030, 1, 1) / 1000],
    ['2030-02-01T02:00:00+02:00', Date.UTC(2030, 1, 1) / 1000],
    ['2030-02-01T02:00+0200', Date.UTC(2030, 1, 1) / 1000],
    ['2030-02-01T00:00:00.999Z', Date.UTC(2030, 1, 1) / 1000],
    ['2030-02-01', Date.UTC(2030, 1, 1) / 1000],
    [String(NOW_S + 1), NOW_S + 1]
  ])('start-time %s is epoch %d, given', (startTime, seconds) => {
    const read = readSchedule(inputs({ startTime }), NOW)
    expect(read).toMatchObject({ ok: true, schedule: { startTime: seconds, startTimeGiven: true } })
  })

  it.each([
    ['a past epoch', String(NOW_S - 1), /is in the past \(2030-01-31T06:00:29\.000Z\)/],
    ['a past ISO time', '2020-01-01T00:00:00Z', /is in the past/],
    ['epoch milliseconds', String(NOW + 60_000), /looks like epoch milliseconds/],
    ['a time without a zone', '2030-02-01T00:00:00', /has no time zone/],
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
    ['minute', '14', /too short for frequency minute/],
    ['minute', '', /\(empty, so 1\) is too short/],
    ['hour', '0', /not a whole number of at least 1/],
    ['hour', '1.5', /not a whole number/],
    ['hour', '-2', /not a whole number/]
  ])('frequency %s refuses interval %j', (frequency, interval, message) => {
    expect(problemsOf({ frequency, interval })).toEqual([expect.stringMatching(message)])
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
      schedule: { frequency: 'once', startTime: Date.UTC(2030, 0, 31, 6, 1) / 1000, startTimeGiven: false }
    })
  })

  it('once refuses interval, backfill and delta-column given, all at once', () => {
    const problems = problemsOf({ frequency: 'once', interval: '1', backfill: 'true', deltaColumn: 'updated_at' })
    expect(problems).toHaveLength(3)
    expect(problems.join(' ')).toMatch(/interval is given.*backfill is given.*delta-column is given/)
  })

  it('reports every problem at once', () => {
    const problems = problemsOf({ frequency: 'minute', interval: '5', backfill: 'yes', deltaColumn: '', startTime: '1' })
    expect(problems).toHaveLength(4)
    expect(problems.join('\n')).toMatch(/start-time 1 is in the past[\s\S]*interval 5 is too short[\s\S]*backfill "yes"[\s\S]*delta-column is required with frequency minute/)
  })

  it('an unknown frequency is named, with the ones there are', () => {
    expect(problemsOf({ frequency: 'hourly' })).toEqual(['frequency "hourly" is not one of once, minute, hour, day, week.'])
  })
})
