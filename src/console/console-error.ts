/** A refusal a console route answers with an error page: its status, a title and a sentence for the admin. */
export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'ConsoleError';
  }
}
