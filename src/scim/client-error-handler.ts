import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { SCIM_CONTENT_TYPE } from './scim-error-handler.js';
import { invalidSyntax, ScimError } from './scim-error.js';

export function clientErrorOf(code: string | undefined): ScimError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ScimError(431, undefined, 'the request line and headers are too large (over Node.js max-http-header-size): send shorter headers and a shorter URL');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ScimError(408, undefined, 'the request was not received in time: send the whole request promptly');
    default:
      return invalidSyntax('the request is not valid HTTP/1.1 (a malformed request line, header or chunked encoding): check the client or proxy that sent it');
  }
}

/** An unparseable request never reaches a route; the connection closes, as what follows cannot be framed. */
export function scimClientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // Node's own rule: write only when no response on this socket has begun.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const scimError = clientErrorOf(error.code);
    const body = JSON.stringify(scimError.toBody());
    const head = `HTTP/1.1 ${scimError.status} ${STATUS_CODES[scimError.status]}\r\nContent-Type: ${SCIM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
    // end, not destroy: flush the answer first.
    socket.end(head + body, () => socket.destroy());
    return;
  }
  socket.destroy();
}
