// Raised before any I/O when a caller passes a key, metadata or option the store cannot accept.
// It mirrors the shape of the typed errors in @scalegram/contracts/errors (`status` + stable `code`)
// so that a service's error handler maps it to a 400 problem response like any other bad input.

export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  readonly status = 400;
  readonly code: string;
  constructor(message: string, code = 'invalid-input') {
    super(message);
    this.code = code;
  }
}
