import { describe, expect, it } from 'vitest';
import { EMPTY_PAYLOAD_SHA256, amzDate, canonicalPath, sha256Hex, signV4 } from './sigv4.js';

// AWS's Signature Version 4 test suite (the "aws-sig-v4-test-suite" cases: credentials
// AKIDEXAMPLE, service "service", 2015-08-30T12:36:00Z) and the worked examples of the S3
// documentation ("Signature Calculations for the Authorization Header", AKIAIOSFODNN7EXAMPLE,
// 2013-05-24). The expected signatures are the published ones.
const SUITE = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  service: 'service',
  amzDate: '20150830T123600Z',
};
const SUITE_HEADERS = { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' };
const UNRESERVED = '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const S3_DOCS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  service: 's3',
  amzDate: '20130524T000000Z',
};
const S3_HOST = 'examplebucket.s3.amazonaws.com';

describe('signV4: AWS test suite', () => {
  it('get-vanilla (full Authorization header)', () => {
    const signed = signV4(
      { method: 'GET', path: '/', headers: SUITE_HEADERS, payloadHash: EMPTY_PAYLOAD_SHA256 },
      SUITE,
    );
    expect(signed.canonicalRequest).toBe(
      'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n' +
        EMPTY_PAYLOAD_SHA256,
    );
    expect(signed.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  const cases: { name: string; path: string; query?: [string, string][]; signature: string }[] = [
    {
      name: 'get-vanilla-query-order-key-case',
      path: '/',
      query: [
        ['Param2', 'value2'],
        ['Param1', 'value1'],
      ],
      signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    },
    {
      name: 'get-vanilla-empty-query-key',
      path: '/',
      query: [['Param1', 'value1']],
      signature: 'a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb',
    },
    {
      name: 'get-vanilla-query-unreserved',
      path: '/',
      query: [[UNRESERVED, UNRESERVED]],
      signature: '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197',
    },
    {
      name: 'get-vanilla-utf8-query',
      path: '/',
      query: [['\u1234', 'bar']],
      signature: '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04',
    },
    {
      name: 'get-unreserved',
      path: `/${UNRESERVED}`,
      signature: '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
    },
    {
      name: 'get-utf8',
      path: '/\u1234',
      signature: '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85',
    },
    {
      name: 'get-space',
      path: '/example space/',
      signature: '652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const signed = signV4(
        {
          method: 'GET',
          path: c.path,
          ...(c.query === undefined ? {} : { query: c.query }),
          headers: SUITE_HEADERS,
          payloadHash: EMPTY_PAYLOAD_SHA256,
        },
        SUITE,
      );
      expect(signed.signature).toBe(c.signature);
    });
  }
});

describe('signV4: S3 documentation examples', () => {
  it('GET Object (range)', () => {
    const signed = signV4(
      {
        method: 'GET',
        path: '/test.txt',
        headers: {
          host: S3_HOST,
          range: 'bytes=0-9',
          'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256,
          'x-amz-date': '20130524T000000Z',
        },
        payloadHash: EMPTY_PAYLOAD_SHA256,
      },
      S3_DOCS,
    );
    expect(signed.stringToSign).toBe(
      'AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n' +
        '7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972',
    );
    expect(signed.signature).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  });

  it('PUT Object (a "$" in the key, a signed payload)', () => {
    const payloadHash = sha256Hex('Welcome to Amazon S3.');
    expect(payloadHash).toBe('44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
    expect(canonicalPath('/test$file.text')).toBe('/test%24file.text');
    const signed = signV4(
      {
        method: 'PUT',
        path: '/test$file.text',
        headers: {
          Host: S3_HOST,
          Date: 'Fri, 24 May 2013 00:00:00 GMT',
          'x-amz-date': '20130524T000000Z',
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
          'x-amz-content-sha256': payloadHash,
        },
        payloadHash,
      },
      S3_DOCS,
    );
    expect(signed.authorization).toContain(
      'SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
    );
    expect(signed.signature).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
  });

  it('GET Bucket lifecycle and list objects (query parameters)', () => {
    const headers = {
      host: S3_HOST,
      'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256,
      'x-amz-date': '20130524T000000Z',
    };
    const lifecycle = signV4(
      { method: 'GET', path: '/', query: [['lifecycle', '']], headers, payloadHash: EMPTY_PAYLOAD_SHA256 },
      S3_DOCS,
    );
    expect(lifecycle.signature).toBe('fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543');
    const list = signV4(
      {
        method: 'GET',
        path: '/',
        query: [
          ['prefix', 'J'],
          ['max-keys', '2'],
        ],
        headers,
        payloadHash: EMPTY_PAYLOAD_SHA256,
      },
      S3_DOCS,
    );
    expect(list.signature).toBe('34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');
  });
});

describe('amzDate', () => {
  it('formats UTC basic ISO 8601', () => {
    expect(amzDate(new Date('2015-08-30T12:36:00.123Z'))).toBe('20150830T123600Z');
  });
});
