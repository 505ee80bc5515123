/** Reading REPL command arguments the way an operator typed them. */

export interface TypedArguments {
  /** The whole line typed (moleculer-repl passes it). */
  readonly rawCommand?: string;
}

/**
 * The words of the typed line after the first `skip`, or `fallback` joined when the line
 * is not known. moleculer-repl hands a variadic argument (`[reason...]`) over as its
 * first word only, so free text such as a reason is read from the raw line.
 */
export function wordsAfter(args: TypedArguments, skip: number, fallback: string | readonly string[] | undefined): string {
  if (typeof args.rawCommand === 'string') return args.rawCommand.trim().split(/\s+/).slice(skip).join(' ');
  return Array.isArray(fallback) ? fallback.join(' ') : ((fallback as string | undefined) ?? '');
}
