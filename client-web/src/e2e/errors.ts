// The errors the e2e library answers with, so callers can say what went wrong without
// looking at messages (which never carry names, keys or content).

/** A file was damaged or tampered with (any authentication failure, truncation, extension). */
export class DamagedFileError extends Error {
  constructor(message = 'e2e: the file is damaged') {
    super(message);
    this.name = 'DamagedFileError';
  }
}

/**
 * A wrapped file key does not open with this private key and binding: it was made for
 * another person, file or context, or it was changed.
 */
export class KeyUnwrapError extends Error {
  constructor(message = 'e2e: the wrapped file key does not open') {
    super(message);
    this.name = 'KeyUnwrapError';
  }
}

/** The password does not open the wrapped private key (wrong password, or the wrap was changed). */
export class WrongPasswordError extends Error {
  constructor(message = 'e2e: the password does not open the private key') {
    super(message);
    this.name = 'WrongPasswordError';
  }
}
