// Whether a new password is strong enough: at least MIN_PASSWORD_LENGTH characters and hard to
// guess by zxcvbn's estimate (common passwords, dictionary words, names, keyboard patterns,
// dates, repeats and the user's own name count against it). Used where a password is set
// (`user add`); logins are never refused for an older, weaker password.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

export const MIN_PASSWORD_LENGTH = 12;
/** zxcvbn score (0-4) a password needs: 3 = "safely unguessable", about 10^8 guesses or more. */
export const MIN_PASSWORD_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

/** Built on first use: loading the dictionaries takes a moment, and only `user add` needs them. */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...en.dictionary }, graphs: common.adjacencyGraphs, translations: en.translations });
  return estimator;
}

/** Why `password` is too weak (a sentence for the admin), or undefined when it is strong enough. */
export function passwordWeakness(password: string, userInputs: string[] = []): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `is too short: use at least ${MIN_PASSWORD_LENGTH} characters (a few unrelated words make a good one)`;
  const r = zxcvbn().check(password, userInputs);
  if (r.score >= MIN_PASSWORD_SCORE) return undefined;
  const hints = [r.feedback.warning, ...r.feedback.suggestions].filter((h): h is string => Boolean(h));
  return `is too easy to guess (strength ${r.score} of 4, at least ${MIN_PASSWORD_SCORE} needed)${hints.length ? `: ${hints.join(' ')}` : ''}`;
}
