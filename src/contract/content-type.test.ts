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
