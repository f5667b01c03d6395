import { describe, expect, it } from 'vitest';
import { parseContentType } from './content-type.ts';
import { okValue, rejection } from './testing.ts';

describe('parseContentType', () => {
  it('is null without a content type', () => {
    expect(okValue(parseContentType(null))).toBeNull();
    expect(okValue(parseContentType(''))).toBeNull();
    expect(okValue(parseContentType('  '))).toBeNull();
  });

  it('lower-cases the type and reads the charset', () => {
    expect(okValue(parseContentType('Text/Plain; Charset="UTF-8"; foo=bar'))).toEqual({
      mime: 'text/plain',
      charset: 'utf-8',
    });
    expect(okValue(parseContentType('application/json'))).toEqual({
      mime: 'application/json',
      charset: null,
    });
    expect(okValue(parseContentType('application/json;charset=utf8'))).toEqual({
      mime: 'application/json',
      charset: 'utf8',
    });
  });

  it('refuses a charset other than UTF-8', () => {
    rejection(
      parseContentType('text/plain; charset=windows-1252'),
      415,
      'unsupported_content_type',
      /windows-1252/,
    );
    rejection(parseContentType('text/plain; charset='), 415, 'unsupported_content_type');
  });
});

describe('parseContentType, header after header', () => {
  it('reads each header for itself, whatever came before', () => {
    const headers = [
      'text/plain',
      'application/json; charset=UTF-8',
      'text/plain',
      'text/plain; charset=latin1',
      'text/plain',
    ];
    expect(headers.map((h) => parseContentType(h))).toEqual([
      { ok: true, value: { mime: 'text/plain', charset: null } },
      { ok: true, value: { mime: 'application/json', charset: 'utf-8' } },
      { ok: true, value: { mime: 'text/plain', charset: null } },
      expect.objectContaining({ ok: false }),
      { ok: true, value: { mime: 'text/plain', charset: null } },
    ]);
  });
});
