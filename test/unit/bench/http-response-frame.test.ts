import { describe, expect, it } from 'vitest';
import { frameResponse } from '../../../bench/http-response-frame.js';

const response = (status: string, body: string, headers = 'content-type: application/scim+json\r\n') =>
  `HTTP/1.1 ${status}\r\n${headers}content-length: ${Buffer.byteLength(body)}\r\nkeep-alive: timeout=72\r\n\r\n${body}`;

describe('frameResponse', () => {
  it('frames consecutive responses in one buffer, with their status and body', () => {
    const first = response('200 OK', '{"totalResults":1}');
    const second = response('404 Not Found', '{"status":"404","detail":"no User with id \\"x\\""}');
    const buffer = Buffer.from(first + second);
    const a = frameResponse(buffer, 0, buffer.length)!;
    expect(a).toEqual({ status: 200, bodyStart: first.indexOf('{'), end: first.length });
    expect(buffer.toString('utf8', a.bodyStart, a.end)).toBe('{"totalResults":1}');
    const b = frameResponse(buffer, a.end, buffer.length)!;
    expect(b.status).toBe(404);
    expect(b.end).toBe(buffer.length);
    expect(buffer.toString('utf8', b.bodyStart, b.end)).toContain('no User with id');
  });

  it('counts the body in bytes, not characters', () => {
    const body = '{"displayName":"Zoë 🚀"}';
    const buffer = Buffer.from(response('200 OK', body));
    const frame = frameResponse(buffer, 0, buffer.length)!;
    expect(buffer.toString('utf8', frame.bodyStart, frame.end)).toBe(body);
  });

  it('waits for the rest when the header block or the body is cut off at `end`', () => {
    const text = response('200 OK', '{"a":1}');
    const buffer = Buffer.from(text + 'HTTP/1.1 200 OK\r\n');
    expect(frameResponse(buffer, 0, text.indexOf('\r\n\r\n') + 2)).toBeNull();
    expect(frameResponse(buffer, 0, text.length - 1)).toBeNull();
    // Bytes past `end` (another read's leftovers) are not looked at.
    expect(frameResponse(buffer, text.length, buffer.length)).toBeNull();
    expect(frameResponse(buffer, 0, text.length)).not.toBeNull();
  });

  it('reads Content-Length in any case and with spaces, and refuses a response without one', () => {
    const mixed = Buffer.from('HTTP/1.1 201 Created\r\nContent-Length:   2\r\n\r\n{}');
    expect(frameResponse(mixed, 0, mixed.length)).toEqual({ status: 201, bodyStart: mixed.length - 2, end: mixed.length });
    const chunked = Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n');
    expect(() => frameResponse(chunked, 0, chunked.length)).toThrow(/without Content-Length/);
  });

  it('does not take a content-length in a later response for this one', () => {
    const buffer = Buffer.from('HTTP/1.1 204 No Content\r\ndate: x\r\n\r\n' + response('200 OK', '{}'));
    expect(() => frameResponse(buffer, 0, buffer.length)).toThrow(/without Content-Length/);
  });
});
