// Issue 16, class 8: plan-markdown becomes a pull-request comment, and much of it is Platform's
// text. No mention or reference may survive GitHub's rendering, and no plan may outgrow a comment.

import { run } from '../src/run/main.js'
import type { Plan } from '../src/connection/plan.js'
import { planLines, planMarkdown } from '../src/report/plan-markdown.js'
import { summaryTable } from '../src/report/summary.js'
import { MYSQL_SPEC, json, recordingIo, scripted, stillClock } from './support/scripted.js'

/** The text GitHub sees once it has decoded the HTML entities, where it looks for mentions and references. */
const rendered = (markdown: string): string => markdown.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code))).replace(/&amp;/g, '&')
const MENTION = /@[A-Za-z0-9]/
const REFERENCE = /(^|[^&\w])#\d|[\w.-]+\/[\w.-]+#\d|\bGH-\d/i

const plan = (description: string): Plan => ({
  action: 'update',
  connectionId: 'conn-1',
  name: 'Orders DB',
  sandbox: 'prod',
  changes: [{ field: 'description', from: description, to: 'Managed by GitHub Actions.' }]
})

describe('mentions and references', () => {
  test.each([
    ['a mention', 'ping @octo-org/admins'],
    ['a mention written as an HTML entity', 'ping &#64;octocat'],
    ['a mention written as a hex entity', 'ping &#x40;octocat'],
    ['an issue reference', 'fixes #1'],
    ['a reference at the start', '#12 is the one'],
    ['a cross-repository reference', 'see org/repo#42'],
    ['a GH- reference', 'see GH-7']
  ])('%s in server text stays text', (_, text) => {
    for (const markdown of [planMarkdown(plan(text), 'Plan for "Orders DB"'), summaryTable('Cleanup', [['Error', text]])]) {
      expect(rendered(markdown)).not.toMatch(MENTION)
      expect(rendered(markdown)).not.toMatch(REFERENCE)
    }
  })

  test('the text still reads the same to a person (a zero-width joiner is all that is added)', () => {
    const markdown = planMarkdown(plan('fixes #1 for @octocat'), 'h')
    expect(rendered(markdown).replace(/\u200d/g, '')).toContain('fixes #1 for @octocat')
  })
})

describe('limits', () => {
  test('a 300 KB description: one value is shown cut, the Markdown stays a comment, and says where the full plan is', () => {
    const markdown = planMarkdown(plan('x'.repeat(300_000)), 'h')
    expect(markdown.length).toBeLessThanOrEqual(60_000)
    expect(markdown).toMatch(/\(299,000 more characters\)/)
    expect(markdown.length).toBeLessThan(3_000)
  })

  test('a plan too long even with each value cut: capped at 60,000 characters with a note naming the changes output', () => {
    const reason = 'a namesake, '.repeat(10_000)
    const markdown = planMarkdown({ ...plan(''), action: 'fail', changes: [], reason }, 'h')
    expect(markdown.length).toBeLessThanOrEqual(60_000)
    expect(markdown).toMatch(/the full plan is in the `changes` output/)
    expect(markdown).toContain('**Applying would fail: a namesake, a namesake')
  })

  test('the log shows a long value cut too', () => {
    const lines = planLines(plan('y'.repeat(300_000)))
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(3_000)
  })

  test('in a run: plan-markdown and the summary are capped, the changes output holds the whole value', async () => {
    const description = `${'z'.repeat(300_000)} @octocat #1`
    const existing = { id: 'conn-9', name: 'MySQL shop on db.example.com', etag: '"e9"', connectionSpec: MYSQL_SPEC }
    const shown = { ...existing, description, auth: { specName: 'Connection String Based Authentication', params: {} } }
    const spec = json(200, {
      items: [{ authSpec: [{ name: 'Connection String Based Authentication', spec: { type: 'object', properties: { connectionString: { type: 'string' } } } }] }]
    })
    const inputs = {
      'client-id': 'cid',
      'client-secret': 'plan-limits-client-secret',
      'ims-org-id': 'ORG@AdobeOrg',
      host: 'db.example.com',
      database: 'shop',
      username: 'etl',
      password: 'Plan-limits-pass-16',
      plan: 'true'
    }
    const recorded = recordingIo(inputs)
    const network = scripted([json(200, { access_token: 'eyJplan-limits-token-0123456789' }), spec, json(200, { items: [existing] }), json(200, { items: [shown] })])

    await run(recorded.io, { clock: stillClock, openTransport: network.openTransport })

    const markdown = recorded.outputs['plan-markdown'] ?? ''
    expect(markdown.length).toBeGreaterThan(0)
    expect(markdown.length).toBeLessThanOrEqual(60_000)
    expect(recorded.summary.join('').length).toBeLessThanOrEqual(60_000)
    expect(rendered(markdown)).not.toMatch(MENTION)
    expect(JSON.parse(recorded.outputs.changes ?? '').changes).toContainEqual(expect.objectContaining({ field: 'description', from: description }))
  })
})
