// How the dataflow client reads Platform's "not there" answers, against a scripted `send`.

import { DataflowClient } from '../src/dataflow/client.js'
import type { Response } from '../src/platform/sender.js'
import { flowErrorBody } from '../testing/fake-platform.mjs'

const access = { platformUrl: 'https://platform.adobe.io', clientId: 'cid', imsOrgId: 'ORG@AdobeOrg', sandboxName: 'dev' }
const answering = (code: string): DataflowClient => {
  const status = Number(code.split('-')[1])
  const response: Response = { status, headers: {}, body: JSON.stringify(flowErrorBody(code, 'Not found')), repeated: false, attempts: 1 }
  return new DataflowClient(() => Promise.resolve(response), access)
}

describe.each(['1430-400', '1439-400', '1439-404', '1101-404'])("a flow's not-found code %s", (code) => {
  it('makes a flow read and a flow delete find no flow', async () => {
    await expect(answering(code).flow('f1')).resolves.toBeUndefined()
    await expect(answering(code).deleteFlow('f1')).resolves.toBe('absent')
  })
})

describe.each(['1430-400', '1439-400'])('the flow-only code %s', (code) => {
  it("is a refusal for a connection, as in the connection action's reading", async () => {
    await expect(answering(code).sourceConnection('s1')).rejects.toThrow(/^Reading .*HTTP 400/)
    await expect(answering(code).deleteConnection('target', 't1')).rejects.toThrow(/HTTP 400/)
  })
})

it('another 400 is still a refusal for a flow', async () => {
  await expect(answering('1302-400').deleteFlow('f1')).rejects.toThrow(/HTTP 400/)
})

describe('a listing read page by page has the connection lookup’s limits', () => {
  const page = (body: unknown): Response => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), repeated: false, attempts: 1 })

  it('a next-page link that repeats a page already read ends the listing with one sentence', async () => {
    const looping = page({ items: [], _links: { next: { href: '/flows?continuationToken=same' } } })
    const client = new DataflowClient(() => Promise.resolve(looping), access)
    await expect(client.findFlows('orders')).rejects.toThrow(/^Looking up dataflows named "orders" failed: the next-page link repeats a page already read\. Try again later\.$/)
  })

  it('pages that add up to more than 64 MB end it before they exhaust the memory', async () => {
    let n = 0
    const big = (): Response => page({ items: [], padding: 'x'.repeat(20 * 1024 * 1024), _links: { next: { href: `/flows?continuationToken=${++n}` } } })
    const client = new DataflowClient(() => Promise.resolve(big()), access)
    await expect(client.findFlows('orders')).rejects.toThrow(/failed: Platform returned more than 64 MB over 4 pages, more than this action reads\. Check platform-url\.$/)
    expect(n).toBe(4)
  })
})
