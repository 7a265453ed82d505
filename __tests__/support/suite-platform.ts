// The local IMS + Flow Service server for one scenario suite: started before its tests, emptied
// before each, closed after them.

import { type FakePlatform, type FakePlatformOptions, startFakePlatform } from '../../testing/fake-platform.mjs'

/**
 * Registers the suite's hooks and returns the server as a stand-in that forwards to the one the
 * hooks start, so a suite can name it at top level like any other constant.
 */
export function suitePlatform(options: FakePlatformOptions): FakePlatform {
  let started: FakePlatform | undefined
  beforeAll(async () => {
    started = await startFakePlatform(options)
  })
  afterAll(() => started?.close())
  beforeEach(() => started?.reset())
  return new Proxy({} as FakePlatform, {
    get(_, key) {
      if (!started) throw new Error('the test server is started in beforeAll: use it inside a test or hook')
      const value: unknown = Reflect.get(started, key)
      return typeof value === 'function' ? value.bind(started) : value
    }
  })
}
