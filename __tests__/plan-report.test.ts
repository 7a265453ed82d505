// A plan written out: the changes JSON, the Markdown of the pull-request comment and the job
// summary, and the log lines.

import type { Plan } from '../src/connection/plan.js'
import { type Subject, hasChanges, planJson, planLines, planMarkdown } from '../src/report/plan-markdown.js'
import { cell } from '../src/report/summary.js'

const update: Plan = {
  action: 'update',
  connectionId: 'conn-1',
  name: 'Orders DB',
  sandbox: 'prod',
  changes: [
    { field: 'description', from: 'Old | <b>bold</b>', to: 'New\nline' },
    { field: 'ssl-mode', from: null, to: 'Required' },
    { field: 'credentials', from: '(hidden)', to: '(replaced)' }
  ]
}

test('the changes JSON has exactly the documented keys, in order, and no reason', () => {
  const fail: Plan = { action: 'fail', connectionId: null, name: 'Orders DB', sandbox: 'dev', changes: [], reason: 'Two of them.' }
  expect(planJson(fail)).toBe('{"action":"fail","connectionId":null,"name":"Orders DB","sandbox":"dev","changes":[]}')
  expect(Object.keys(JSON.parse(planJson(update)))).toEqual(['action', 'connectionId', 'name', 'sandbox', 'changes'])
})

test.each<[Plan['action'], boolean]>([
  ['create', true],
  ['update', true],
  ['delete', true],
  ['reuse', false],
  ['absent', false],
  ['fail', false]
])('has-changes of %s is %s', (action, expected) => {
  expect(hasChanges({ ...update, action })).toBe(expected)
})

test('an update: a Terraform-style table, cells kept on one line and escaped', () => {
  expect(planMarkdown(update, 'Plan for MySQL source connection "Orders DB"')).toBe(
    [
      '### Plan for MySQL source connection "Orders DB"',
      '',
      '**~ update connection conn-1 in place, in sandbox "prod".**',
      '',
      '| | Field | Now | After apply |',
      '| --- | --- | --- | --- |',
      '| ~ | description | Old &#124; &#60;b&#62;bold&#60;/b&#62; | New line |',
      '| ~ | ssl-mode | (not shown) | Required |',
      '| ~ | credentials | (hidden) | (replaced) |',
      '',
      'Plan: 0 to add, 1 to change, 0 to destroy.',
      ''
    ].join('\n')
  )
})

test('a create and a delete count as one to add and one to destroy; a gone value is marked -', () => {
  const created = planMarkdown({ ...update, action: 'create', connectionId: null, changes: [{ field: 'name', from: null, to: 'Orders DB' }] }, 'h')
  expect(created).toContain('**+ create a connection named "Orders DB" in sandbox "prod".**')
  expect(created).toContain('| + | name | — | Orders DB |')
  expect(created).toContain('Plan: 1 to add, 0 to change, 0 to destroy.')
  const deleted = planMarkdown({ ...update, action: 'delete', changes: [{ field: 'description', from: '', to: null }] }, 'h')
  expect(deleted).toContain('**- delete connection conn-1 ("Orders DB") from sandbox "prod".**')
  expect(deleted).toContain('| - | description | (empty) | — |')
  expect(deleted).toContain('Plan: 0 to add, 0 to change, 1 to destroy.')
})

test('a dataflow update: a row that was not there reads as in a create (+, —), one that goes as in a delete (-)', () => {
  const dataflow: Subject = { noun: 'dataflow', idKey: 'dataflowId', showsAll: true }
  const changes = [
    { field: 'mapping _tenant.changedAt', from: null, to: 'updated_at' },
    { field: 'mapping _tenant.name', from: 'name', to: null },
    { field: 'frequency', from: 'hour', to: 'day' }
  ]
  const markdown = planMarkdown({ ...update, changes }, 'h', dataflow)
  expect(markdown).toContain('| + | mapping _tenant.changedAt | — | updated_at |\n| - | mapping _tenant.name | name | — |\n| ~ | frequency | hour | day |')
  expect(markdown).not.toContain('(not shown)')
  expect(planLines({ ...update, changes }, dataflow)[1]).toBe('  + mapping _tenant.changedAt: null -> "updated_at"')
})

test.each<[Plan, string]>([
  [{ ...update, action: 'reuse', changes: [] }, '**No changes: connection conn-1 exists and would be reused as it is (if-exists: reuse).**'],
  [{ ...update, action: 'absent', connectionId: null, changes: [] }, '**No changes: the connection does not exist in sandbox "prod", so there is nothing to delete.**'],
  [
    { ...update, action: 'fail', changes: [], reason: 'A MySQL connection named "Orders DB" already exists.' },
    '**Applying would fail: A MySQL connection named "Orders DB" already exists.**'
  ]
])('reuse, absent, fail (%#): one sentence, no table and no tally', (plan, sentence) => {
  const markdown = planMarkdown(plan, 'h')
  expect(markdown).toBe(`### h\n\n${sentence}\n`)
})

test('the log lines: the headline, one line per change with JSON-quoted values, the tally', () => {
  expect(planLines(update)).toEqual([
    'Plan: ~ update connection conn-1 in place, in sandbox "prod".',
    '  ~ description: "Old | <b>bold</b>" -> "New\\nline"',
    '  ~ ssl-mode: null -> "Required"',
    '  ~ credentials: "(hidden)" -> "(replaced)"',
    'Plan: 0 to add, 1 to change, 0 to destroy.'
  ])
})

test('a cell mentions no one and links nowhere: plan-markdown becomes a pull-request comment', () => {
  expect(cell('ping @octo-org/admins, see [here](https://evil.example)')).toBe('ping &#64;octo-org/admins, see &#91;here&#93;(https://evil.example)')
})
