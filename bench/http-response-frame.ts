/**
 * Finds one whole HTTP/1.1 response at `buffer[start, end)` without allocating: the paced generator
 * (paced-load.ts) frames every response it receives, and a string per response was enough garbage to give the
 * generator a major GC every second or so, a pause of 20–50 ms counted as the server's latency.
 *
 * Responses must be framed by Content-Length (what the gateway and Fastify send). The header name is matched
 * without regard to case; the common lower-case spelling is found without copying the header block.
 */
export interface ResponseFrame {
  status: number;
  /** Where the body starts and where the response ends (exclusive), both absolute offsets into the buffer. */
  bodyStart: number;
  end: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = Buffer.from('\r\ncontent-length:');
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const SPACE = 0x20;
const TAB = 0x09;

/** The response starting at `start`, or null while its bytes up to `end` are incomplete. Throws on a response it cannot frame. */
export function frameResponse(buffer: Buffer, start: number, end: number): ResponseFrame | null {
  const headerEnd = buffer.indexOf(HEADER_END, start);
  if (headerEnd < 0 || headerEnd + HEADER_END.length > end) return null;
  const bodyStart = headerEnd + HEADER_END.length;
  const length = contentLength(buffer, start, headerEnd);
  if (length === null) {
    throw new Error(`paced load: a response without Content-Length: ${buffer.toString('latin1', start, Math.min(headerEnd, start + 200))}`);
  }
  const responseEnd = bodyStart + length;
  if (responseEnd > end) return null;
  // "HTTP/1.1 200 OK": the status code is bytes 9–11.
  const status = (buffer[start + 9]! - DIGIT_0) * 100 + (buffer[start + 10]! - DIGIT_0) * 10 + (buffer[start + 11]! - DIGIT_0);
  return { status, bodyStart, end: responseEnd };
}

/** The Content-Length value in the header block `[start, headerEnd)`, or null when there is none. */
function contentLength(buffer: Buffer, start: number, headerEnd: number): number | null {
  let at = buffer.indexOf(CONTENT_LENGTH, start);
  if (at < 0 || at >= headerEnd) {
    // Another spelling (Content-Length): rare enough to afford a string.
    const head = buffer.toString('latin1', start, headerEnd).toLowerCase();
    const found = head.indexOf('\r\ncontent-length:');
    if (found < 0) return null;
    at = start + found;
  }
  let i = at + CONTENT_LENGTH.length;
  while (buffer[i] === SPACE || buffer[i] === TAB) i++;
  let value = 0;
  let digits = 0;
  for (; i < headerEnd && buffer[i]! >= DIGIT_0 && buffer[i]! <= DIGIT_9; i++, digits++) value = value * 10 + (buffer[i]! - DIGIT_0);
  return digits > 0 ? value : null;
}
