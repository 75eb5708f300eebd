/** The model refuses to build: bad parameters, or a role that breaks one of its security rules. */
export class IamModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IamModelError';
  }
}
