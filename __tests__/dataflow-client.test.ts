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
