// What the end-to-end suites and the bench share: the inputs that point the action at the local
// server, and the requests it received, written as "METHOD /path" with the Flow Service base left
// out. Plain JavaScript for the bench's sake; its types are in scenario.d.mts.

export const FLOW_BASE = '/data/foundation/flowservice'

/** The database the suites describe, but for its password, which each names itself. */
export const DATABASE = Object.freeze({ host: 'db.example.com', database: 'shop', username: 'etl' })

/** Client credentials, organisation and both URLs for the local server, then the overrides. */
export function platformInputs(platform, clientSecret, overrides = {}) {
  return {
    'client-id': 'test-client-id',
    'client-secret': clientSecret,
    'ims-org-id': 'TESTORG@AdobeOrg',
    'ims-url': platform.url,
    'platform-url': platform.url,
    ...overrides
  }
}

export function calls(platform) {
  return platform.requests.map((r) => `${r.method} ${r.path.replace(FLOW_BASE, '')}`)
}
