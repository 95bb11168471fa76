import { describe, expect, it } from 'vitest';
import { signJwt, verifyJwt } from '../src/jwt.js';
import { basicCredentials, bearerToken } from '../src/request.js';

describe('basicCredentials', () => {
  const header = (raw: string) => ({
    authorization: `Basic ${Buffer.from(raw).toString('base64')}`,
  });

  it('form-decodes id and secret (RFC 6749 §2.3.1)', () => {
    expect(basicCredentials(header('my%3Aid:s+e%25cret:x'))).toEqual({
      id: 'my:id',
      secret: 's e%cret:x',
    });
  });

  it('tells a missing header from a malformed one', () => {
    expect(basicCredentials({})).toBeUndefined();
    expect(basicCredentials({ authorization: 'Bearer abc' })).toBeUndefined();
    expect(basicCredentials(header('no-colon'))).toBe('malformed');
    expect(basicCredentials(header('bad%zz:secret'))).toBe('malformed');
  });
});

describe('bearerToken', () => {
  it('reads the token with any case of the scheme', () => {
    expect(bearerToken({ authorization: 'Bearer abc' })).toBe('abc');
    expect(bearerToken({ authorization: 'BEARER abc' })).toBe('abc');
    expect(bearerToken({ authorization: 'Basic abc' })).toBeUndefined();
    expect(bearerToken({ authorization: 'Bearer a b' })).toBeUndefined();
  });
});

describe('HS256 JWTs', () => {
  const secret = Buffer.from('k'.repeat(32));

  it('round-trips claims and rejects another key, a changed payload or alg none', () => {
    const jwt = signJwt({ sub: 'x', n: 1 }, secret);
    expect(verifyJwt(jwt, secret)).toEqual({ sub: 'x', n: 1 });
    expect(verifyJwt(jwt, Buffer.from('other'))).toBeUndefined();
    const [h, , s] = jwt.split('.');
    const payload = Buffer.from('{"sub":"y","n":1}').toString('base64url');
    expect(verifyJwt(`${h}.${payload}.${s}`, secret)).toBeUndefined();
    const none = Buffer.from('{"alg":"none"}').toString('base64url');
    expect(verifyJwt(`${none}.${payload}.`, secret)).toBeUndefined();
    expect(verifyJwt('a.b', secret)).toBeUndefined();
  });
});
