import type { FlowState } from '../src/dataflow/answers.js'
import { pastStartOfCreate, refusedScheduleUpdate } from '../src/dataflow/start-rules.js'
import type { Schedule } from '../src/dataflow/schedule.js'

// 2030-01-31T06:00:00Z
const NOW = Date.UTC(2030, 0, 31, 6)
const NOW_S = NOW / 1000

const schedule = (startTime: number, startTimeGiven = true): Schedule => ({ frequency: 'hour', startTime, startTimeGiven, interval: 1, backfill: true, deltaColumn: 'updated_at' })

const flow = (scheduleParams: Record<string, string>): FlowState => ({
  id: 'f1',
  etag: '"1"',
  name: 'orders',
  description: '',
  state: 'enabled',
  sourceConnectionIds: ['s1'],
  targetConnectionIds: ['t1'],
  scheduleParams
})

const DUE = flow({ startTime: String(NOW_S - 60), frequency: 'hour', interval: '1', backfill: 'true' })
const LATER = flow({ startTime: String(NOW_S + 3600), frequency: 'hour', interval: '1' })

describe('pastStartOfCreate', () => {
  it('refuses a given start-time before now, with what to do', () => {
    expect(pastStartOfCreate(schedule(NOW_S - 1), NOW)).toBe(
      'Input start-time 2030-01-31T05:59:59.000Z is in the past: Platform refuses a past start for a new dataflow; give a later time, or leave start-time empty for a start a minute or so after the create.'
    )
  })

  it('takes now, a later time, and the default start', () => {
    expect(pastStartOfCreate(schedule(NOW_S), NOW)).toBeUndefined()
    expect(pastStartOfCreate(schedule(NOW_S + 60), NOW)).toBeUndefined()
    expect(pastStartOfCreate(schedule(NOW_S - 60, false), NOW)).toBeUndefined()
  })
})

describe('refusedScheduleUpdate', () => {
  it('nothing sent, or what Platform still takes: no refusal, also after the first run is due', () => {
    expect(refusedScheduleUpdate(DUE, 'orders', undefined, NOW)).toBeUndefined()
    expect(refusedScheduleUpdate(DUE, 'orders', { interval: '2', frequency: 'day' }, NOW)).toBeUndefined()
    expect(refusedScheduleUpdate(DUE, 'orders', { backfill: 'true' }, NOW)).toBeUndefined()
    expect(refusedScheduleUpdate(flow({ startTime: String(NOW_S - 60), frequency: 'hour' }), 'orders', { backfill: 'true' }, NOW)).toBeUndefined()
    expect(refusedScheduleUpdate(flow({ startTime: String(NOW_S - 60), frequency: 'once' }), 'orders', { frequency: 'once' }, NOW)).toBeUndefined()
  })

  it('a new start time, once the first run is due (1366-400)', () => {
    expect(refusedScheduleUpdate(DUE, 'orders', { startTime: String(NOW_S + 3600) }, NOW)).toBe(
      `Dataflow "orders" (f1) cannot take start-time 2030-01-31T07:00:00.000Z: Platform refuses a new start time after a dataflow's first run is due (this one's was at 2030-01-31T05:59:00.000Z); leave start-time empty, or delete the dataflow (operation: delete) and apply again.`
    )
  })

  it('the first run is due at its start time exactly', () => {
    expect(refusedScheduleUpdate(flow({ startTime: String(NOW_S) }), 'orders', { startTime: String(NOW_S + 60) }, NOW)).toMatch(/cannot take start-time/)
  })

  it('a switch to once (1403-400) and a backfill change (1404-400), all in one sentence', () => {
    expect(refusedScheduleUpdate(DUE, 'orders', { startTime: String(NOW_S + 60), frequency: 'once', interval: null, backfill: null }, NOW)).toMatch(
      /cannot take start-time \S+ and frequency once: Platform refuses a new start time and a switch to once after .*; leave start-time empty, keep frequency hour, or delete/
    )
    expect(refusedScheduleUpdate(DUE, 'orders', { startTime: String(NOW_S + 60), backfill: 'false' }, NOW)).toMatch(
      /cannot take start-time \S+ and backfill false: .*; leave start-time empty, keep backfill true, or delete the dataflow \(operation: delete\) and apply again\.$/
    )
  })

  it('before the first run is due: only a start in the past is refused (1360-400), naming the flow’s own', () => {
    expect(refusedScheduleUpdate(LATER, 'orders', { startTime: String(NOW_S + 60), frequency: 'once', backfill: 'false' }, NOW)).toBeUndefined()
    expect(refusedScheduleUpdate(LATER, 'orders', { startTime: String(NOW_S - 60) }, NOW)).toBe(
      "Input start-time 2030-01-31T05:59:00.000Z is in the past: Platform refuses a past start; give a later time, or leave start-time empty to keep the dataflow's own (2030-01-31T07:00:00.000Z)."
    )
  })

  it('a flow that shows no readable start time is not judged due', () => {
    expect(refusedScheduleUpdate(flow({ startTime: 'soon' }), 'orders', { startTime: String(NOW_S + 60), backfill: 'false' }, NOW)).toBeUndefined()
    expect(refusedScheduleUpdate(flow({}), 'orders', { startTime: String(NOW_S - 60) }, NOW)).toMatch(/leave start-time empty to keep the dataflow's own\.$/)
  })
})
