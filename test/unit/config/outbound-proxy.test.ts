// The proxy settings read from the environment, as curl reads them, and what config check says of them.
import { describe, expect, it } from 'vitest';
import { proxyFromEnv, proxyPasswords, proxyProblems } from '../../../src/outbound-proxy.ts';

describe('proxyFromEnv', () => {
  it('is undefined without HTTP_PROXY or HTTPS_PROXY, whatever NO_PROXY says', () => {
    expect(proxyFromEnv({})).toBeUndefined();
    expect(proxyFromEnv({ NO_PROXY: 'localhost', HTTPS_PROXY: '' })).toBeUndefined();
  });

  it('reads the upper- and lower-case forms, the lower-case one first', () => {
    expect(
      proxyFromEnv({ HTTPS_PROXY: 'http://upper:3128', https_proxy: 'http://lower:3128', NO_PROXY: '.corp' }),
    ).toEqual({ httpsProxy: 'http://lower:3128', noProxy: '.corp' });
    expect(proxyFromEnv({ HTTP_PROXY: 'http://p:3128', no_proxy: 'gitlab.corp' })).toEqual({
      httpProxy: 'http://p:3128',
      noProxy: 'gitlab.corp',
    });
  });
});

describe('proxyProblems', () => {
  it('names each variable that is not an http(s) URL', () => {
    expect(proxyProblems({ httpsProxy: 'proxy.corp:3128', httpProxy: 'http://proxy.corp:3128' })).toEqual([
      { path: 'HTTPS_PROXY', message: 'expected the proxy as a URL such as http://proxy.example.com:3128' },
    ]);
    expect(proxyProblems({ httpProxy: 'socks5://proxy.corp:1080' })).toHaveLength(1);
    expect(proxyProblems({ httpsProxy: 'https://proxy.corp:3129' })).toEqual([]);
  });
});

describe('proxyPasswords', () => {
  it('finds the password of each proxy URL, decoded, to scrub from output', () => {
    expect(
      proxyPasswords({ httpsProxy: 'http://bot:s%40cret@proxy.corp:3128', httpProxy: 'http://proxy.corp' }),
    ).toEqual(['s@cret']);
  });
});
