// @ts-check
// Espruino's pretokenised form of a script: what the interpreter's own lexer (jslex.c) makes of
// source, stored as such, as espruino-tools' pretokenise plugin writes it (PRETOKENISE=2, the form
// the Web IDE and the App Loader upload when asked to). Reserved words and multi-character operators
// are one byte each (from 138); string literals are their bytes after a length (an atob("…") of a
// literal, its decoded bytes); integers that fit 16 bits signed are two or three bytes. Espruino
// 2v29 runs it exactly as the source it came from, straight from flash, with less to lex; the
// firmware is flashed so (docs/ESPRUINO.md "Pretokenised code"), and the virtual device reads it back
// with detokenise() before it runs. test/build/bundle-bytes.test.ts checks the round trip,
// test/sim-server/sim-server.test.ts the bytes against espruino-tools' own plugin, and the
// interpreter suites boot the bytes on the real interpreter.

import * as acorn from "acorn";

/** The lexer's token list from LEX_OPERATOR_START (138) on, in its order (jslex.h LEX_TYPES). */
const TOKENS = [
  "==", "===", "!=", "!==", "<=", "<<", "<<=", ">=", ">>", ">>>", ">>=", ">>>=", "+=", "-=", "++", "--", "*=", "/=", "%=", "&=",
  "&&", "|=", "||", "^=", "=>", "if", "else", "do", "while", "for", "break", "continue", "function", "return", "var", "let",
  "const", "this", "throw", "try", "catch", "finally", "true", "false", "null", "undefined", "new", "in", "instanceof", "switch",
  "case", "default", "delete", "typeof", "void", "debugger", "class", "extends", "super", "static", "of",
];
const FIRST = 138;
const RAW_STRING8 = 0xd1;
const RAW_STRING16 = 0xd2;
const RAW_INT0 = 0xd3;
const RAW_INT8 = 0xd4;
const RAW_INT16 = 0xd5;
/** Where a "-" before a number is a sign, not a subtraction (espruino-tools' rule). */
const SIGN_AFTER = [",", "(", ":", "?", "="];
const WORD = /[A-Za-z0-9_$]/;

/**
 * The pretokenised bytes of a script, as a latin1 string (one char a byte).
 * @param {string} code plain JavaScript (the firmware bundle: ASCII, no comments)
 * @returns {string}
 */
export function pretokenise(code) {
  /** @type {{ text: string, kind: string, value?: any }[]} */
  const toks = [];
  const lex = acorn.tokenizer(code, { ecmaVersion: 2022 });
  for (let t = lex.getToken(); t.type.label !== "eof"; t = lex.getToken()) {
    if (t.type.label === "`") {
      // a template literal: kept whole; without ${…} it is a plain string
      let end = t;
      let parts = false;
      let depth = 0;
      do {
        end = lex.getToken();
        if (end.type.label === "${") (parts = true), depth++;
        else if (end.type.label === "{") depth++;
        else if (end.type.label === "}") depth--;
      } while (depth > 0 || end.type.label !== "`");
      const text = code.slice(t.start, end.end);
      toks.push(parts ? { text, kind: "other" } : { text, kind: "string", value: (0, eval)(text) });
    } else {
      const text = code.slice(t.start, t.end);
      const kind = t.type.label === "string" ? "string" : t.type.label === "num" ? "num" : t.type.keyword || t.type.label === "name" ? "id" : "other";
      toks.push({ text, kind, value: /** @type {any} */ (t).value });
    }
  }
  let out = "";
  let last = "";
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const id = TOKENS.indexOf(t.text);
    if (t.kind === "string" && [...t.value].every((c) => c.charCodeAt(0) < 256)) {
      let s = String(t.value);
      // atob("…") of a literal is the literal's bytes
      const atob = out.endsWith("atob(") && toks[i + 1]?.text === ")";
      if (atob) {
        s = Buffer.from(s, "base64").toString("latin1");
        out = out.slice(0, -5);
        i++;
      }
      out += !s.length ? t.text : s.length < 256 ? String.fromCharCode(RAW_STRING8, s.length) + s : String.fromCharCode(RAW_STRING16, s.length & 255, s.length >> 8) + s;
      last = "string";
      continue;
    }
    if (t.kind === "num" && Number.isInteger(t.value)) {
      let v = t.value;
      if (toks[i - 1]?.text === "-" && SIGN_AFTER.includes(toks[i - 2]?.text ?? "")) {
        out = out.slice(0, -1);
        v = -v;
      }
      if (v >= -32768 && v < 32768) {
        out += v === 0 ? String.fromCharCode(RAW_INT0) : v >= -128 && v < 128 ? String.fromCharCode(RAW_INT8, v & 255) : String.fromCharCode(RAW_INT16, v & 255, (v >> 8) & 255);
        last = "num";
        continue;
      }
      if (v < 0) out += "-";
    }
    // (catch stays text: espruino-tools' workaround for https://github.com/espruino/Espruino/issues/1868)
    if (id >= 0 && t.text !== "catch" && t.kind !== "string") {
      out += String.fromCharCode(FIRST + id);
      last = "token";
      continue;
    }
    if ((t.kind === "id" || t.kind === "num") && (last === "id" || last === "num")) out += " ";
    out += t.text;
    last = t.kind;
  }
  return out;
}

/**
 * Source text back from pretokenised bytes (a latin1 string); plain source passes through
 * unchanged (quoted literals are copied as they are, whatever bytes they hold).
 * @param {string} bytes
 * @returns {string}
 */
export function detokenise(bytes) {
  let s = "";
  let token = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    /** @type {string} */
    let piece;
    if (c === 0x22 || c === 0x27 || c === 0x60) {
      // a plain literal: to its closing quote
      let j = i + 1;
      while (j < bytes.length && bytes[j] !== bytes[i]) j += bytes[j] === "\\" ? 2 : 1;
      piece = bytes.slice(i, j + 1);
      i = j;
    } else if (c >= FIRST && c < FIRST + TOKENS.length) piece = TOKENS[c - FIRST];
    else if (c === RAW_STRING8 || c === RAW_STRING16) {
      const at = i + (c === RAW_STRING8 ? 2 : 3);
      const n = c === RAW_STRING8 ? bytes.charCodeAt(i + 1) : bytes.charCodeAt(i + 1) | (bytes.charCodeAt(i + 2) << 8);
      piece = JSON.stringify(bytes.slice(at, at + n));
      i = at + n - 1;
    } else if (c === RAW_INT0) piece = "0";
    else if (c === RAW_INT8) piece = String((bytes.charCodeAt(++i) << 24) >> 24);
    else if (c === RAW_INT16) {
      piece = String(((bytes.charCodeAt(i + 1) | (bytes.charCodeAt(i + 2) << 8)) << 16) >> 16);
      i += 2;
    } else piece = bytes[i];
    // a token that touches a word needs the space the lexer did without (a negative number only
    // ever follows , ( : ? or =, where its sign reads as a sign)
    const isToken = c >= FIRST;
    if ((isToken || token) && s && WORD.test(s[s.length - 1]) && WORD.test(piece[0])) s += " ";
    token = isToken;
    s += piece;
  }
  return s;
}
