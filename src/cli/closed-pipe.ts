/**
 * `rosterd plan show ID | head -2`: once the reader closes the pipe, writes fail with EPIPE. That is the reader
 * saying it has seen enough, not a failure of the command, so the process ends at once with success and without a
 * message, as other Unix tools do (they die of SIGPIPE, which Node ignores).
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
