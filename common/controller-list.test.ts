// Tests for the --controller list parser: accepted forms, and the error for each bad entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseControllerList } from './controller-list.js';

const accepted: Array<[string, string[]]> = [
  ['ctl.example:7443', ['ctl.example:7443']],
  ['a:1,b:2', ['a:1', 'b:2']],
  [' a:1 , b:2 ', ['a:1', 'b:2']],
  ['10.0.0.1:7443,[::1]:7443,[fd00::2]:1', ['10.0.0.1:7443', '[::1]:7443', '[fd00::2]:1']],
  ['ctl-1.corp.example.:65535', ['ctl-1.corp.example.:65535']],
];
for (const [text, want] of accepted) {
  test(`accepts "${text}"`, () => assert.deepEqual(parseControllerList(text), want));
}

const refused: Array<[string, RegExp]> = [
  ['', /no controller given/],
  ['a:1,', /empty controller entry \(entry 2 of "a:1,"\)/],
  ['a:1,,b:2', /empty controller entry \(entry 2/],
  ['ctl.example', /invalid controller "ctl.example": expected HOST:PORT/],
  ['a:1,b', /invalid controller "b" \(entry 2 of "a:1,b"\): expected HOST:PORT/],
  ['a:0', /the port must be 1-65535/],
  ['a:70000', /the port must be 1-65535/],
  ['::1:7443', /IPv6 address goes in brackets/],
  ['[zz::1]:7443', /not an IPv6 address/],
  ['bad_host:1', /not a host name/],
  ['a:1,b:2,a:1', /"a:1" is listed twice \(entries 1 and 3\)/],
  ['CTL.example:1,ctl.example:1', /listed twice/],
  ['[::1]:1,[0:0::1]:1', /listed twice/],
];
for (const [text, want] of refused) {
  test(`refuses "${text}"`, () => assert.throws(() => parseControllerList(text), want));
}
