// Issue 16, class 7: a proxy that refuses the tunnel, answers 502 or is not listening is named as
// the failure, never reported as "the connection was reset"; 407 is not retried. In-process, with
// the runner's real transport: the URLs name hosts only the proxy would know, so nothing is
// resolved, and every refusal comes before any TLS.

import { type AddressInfo, createServer } from 'node:net'
import { run } from '../src/run/main.js'
import { proxyFailure, runnerTransport } from '../src/platform/transport.js'
import { type ConnectProxy, type ProxyMode, startConnectProxy } from './support/connect-proxy.js'
import { recordingIo, stillClock } from './support/scripted.js'
import { isolatedProxyEnvironment } from './support/proxy-environment.js'

const closers = isolatedProxyEnvironment()

const INPUTS = {
  'client-id': 'cid',
  'client-secret': 'proxy-failures-client-secret',
  'ims-org-id': 'ORG@AdobeOrg',
  'ims-url': 'https://ims.test',
  'platform-url': 'https://platform.test',
  host: 'db.example.com',
  database: 'shop',
  username: 'etl',
  password: 'Proxy-failures-pass-16',
  'max-attempts': '3'
}

async function proxyIn(mode: ProxyMode): Promise<ConnectProxy> {
  const proxy = await startConnectProxy({ mode })
  closers.push(() => proxy.close())
  return proxy
}

async function runThrough(proxyUrl: string): Promise<string[]> {
  process.env.https_proxy = proxyUrl
  const recorded = recordingIo(INPUTS)
  await run(recorded.io, { clock: stillClock, openTransport: runnerTransport })
  return recorded.lines.filter((line) => line.startsWith('error:'))
}

test('407: the proxy is named, its credentials blamed, and the request is not repeated', async () => {
  const proxy = await proxyIn('refuse-407')

  const errors = await runThrough(`http://user:Proxy-pass-16@127.0.0.1:${proxy.port}`)

  expect(errors).toEqual([
    `error: Getting an access token from IMS failed (https://ims.test): the proxy 127.0.0.1:${proxy.port} refused the tunnel: 407 Proxy Authentication Required — check HTTPS_PROXY credentials.`
  ])
  expect(proxy.connects).toEqual(['ims.test:443'])
  expect(errors.join('\n')).not.toContain('Proxy-pass-16')
})

test('502 from the proxy: named as the proxy failing to reach the host, and retried', async () => {
  const proxy = await proxyIn('refuse-502')

  const errors = await runThrough(proxy.url)

  expect(errors).toEqual([
    expect.stringMatching(
      new RegExp(
        `^error: Getting an access token from IMS failed after 3 attempts: the proxy 127\\.0\\.0\\.1:${proxy.port} could not open a tunnel to ims\\.test:443: 502 Bad Gateway`
      )
    )
  ])
  expect(proxy.connects).toHaveLength(3)
})

test('a closed proxy port: named as the proxy not answering', async () => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))

  const errors = await runThrough(`http://127.0.0.1:${port}`)

  expect(errors).toEqual([
    expect.stringMatching(new RegExp(`^error: Getting an access token from IMS failed after 3 attempts: the proxy 127\\.0\\.0\\.1:${port} refused the connection`))
  ])
  expect(errors[0]).not.toMatch(/reset/)
})

describe('proxyFailure: what the tunnel agent reports, in the name of the proxy', () => {
  const proxy = new URL('http://user:Proxy-pass-16@10.0.0.5')
  const target = new URL('https://platform.adobe.io/data')
  const tunnel = (reason: string) => new Error(`tunneling socket could not be established, ${reason}`)

  test.each([
    ['statusCode=407', 'EPROXYAUTH', 'the proxy 10.0.0.5:80 refused the tunnel: 407 Proxy Authentication Required — check HTTPS_PROXY credentials'],
    ['statusCode=403', 'EPROXYREFUSED', 'the proxy 10.0.0.5:80 refused the tunnel to platform.adobe.io:443: 403 Forbidden — check that the proxy allows it'],
    ['statusCode=503', 'EPROXY', 'the proxy 10.0.0.5:80 could not open a tunnel to platform.adobe.io:443: 503 Service Unavailable'],
    ['cause=connect ECONNREFUSED 10.0.0.5:80', 'EPROXY', 'the proxy 10.0.0.5:80 refused the connection — check that HTTPS_PROXY names a running proxy'],
    ['cause=socket hang up', 'EPROXY', "the connection to the proxy 10.0.0.5:80 failed (no reason given) — check HTTPS_PROXY and the runner's network"]
  ])('%s', (reason, code, description) => {
    expect(proxyFailure(tunnel(reason), proxy, target)).toMatchObject({ code, description })
  })

  test('an error from the far side, through a working tunnel, is not the proxy failing', () => {
    expect(proxyFailure(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), proxy, target)).toBeUndefined()
  })
})
