/** Coveo's ecosystem score: log-scaled so that TensorFlow's lead does not flatten everyone else to 0. */
export function ecosystem(repositoryCount: number, stackOverflowQuestions: number): number {
  return Math.log10(1 + repositoryCount) + Math.log10(1 + stackOverflowQuestions);
}
