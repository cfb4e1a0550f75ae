/** Thrown for invalid input to the code/admin API (the admin API maps it to 400/404/409). */
export class EmuInputError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
  }
}
