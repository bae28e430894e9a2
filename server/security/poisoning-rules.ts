/**
 * The phrase rules of tool-poisoning screening, drawn from published attacks (Invariant Labs' tool poisoning and
 * shadowing examples, the WhatsApp MCP rug pull, CyberArk's full-schema poisoning) and tuned against real catalogs
 * (LiveMCPBench's 527 tools, the toolsdk registry's 8,010): real tools routinely say "IMPORTANT", "you MUST call
 * X first" or "also call the Y tool", so a bare mention of another tool or an emphatic tone is never enough; a
 * rule needs what benign text does not do: override or hide from the user, reach for secrets, or bend another
 * tool's behaviour. Patterns run on text with hidden characters removed, one sentence-ish span at a time.
 */
export type PoisoningRule = 'model-instruction' | 'hidden-text' | 'secret-access' | 'cross-tool';

export interface PhraseRule {
  rule: Exclude<PoisoningRule, 'hidden-text'>;
  /** What the pattern catches, for people reading a finding. */
  what: string;
  pattern: RegExp;
}

// Within one sentence: no full stop, newline or closing tag in between.
const GAP = (max: number) => `[^.!?\\n<>]{0,${max}}?`;
// Files whose only use to a model is theft; `.env` also has honest uses (dotenv tools), so it counts only when
// the text says to pass it on.
const SECRET_FILE = String.raw`(?:~\/|\$HOME\/|\/home\/\w+\/)?(?:\.ssh\b|id[_ ](?:rsa|ed25519|ecdsa|dsa)\b|\.aws\/credentials|\.netrc\b|\.pgpass\b|\.git-credentials|\.docker\/config\.json|\.kube\/config|mcp\.json|claude_desktop_config\.json|\/etc\/(?:passwd|shadow))`;
const ANY_SECRET_FILE = String.raw`(?:${SECRET_FILE}|\.npmrc\b|(?<![\w$])\.env\b(?!\.))`;
const SECRET_WORD = String.raw`(?:api[ _-]?keys?|passwords?|passphrases?|credentials|secret keys?|private keys?|access tokens?|auth(?:entication)? tokens?|bearer tokens?|session cookies?|seed phrases?|mnemonics?|environment variables|env vars)`;
// Places only the model can see: a tool asking the model to mine them is after the user's data.
const MODEL_CONTEXT = String.raw`(?:conversation|context|chat|history|messages|memory|prompt|transcript)`;
const READ_VERB = String.raw`\b(?:read(?:ing)?|cat|open|load|access|fetch|get|grab|collect|dump|print|copy|include|attach|send|upload|pass|provide|extract|steal)\b`;
const ADDRESS = String.raw`(?:[\w.+-]+@[\w-]+\.[\w.]+|\+\d[\d ()-]{6,}|https?:\/\/)`;
const USER = String.raw`(?:the )?(?:user|human|person|operator)`;

export const PHRASE_RULES: PhraseRule[] = [
  {
    rule: 'model-instruction',
    what: 'overrides earlier instructions',
    pattern: new RegExp(
      String.raw`\b(?:ignore|disregard|forget|override)\b (?:all |any |the |your )?(?:(?:previous|prior|above|earlier|preceding)\b${GAP(30)}\b(?:instructions?|prompts?|rules|directions|guidelines)|system (?:prompt|instructions))\b`,
      'i',
    ),
  },
  {
    rule: 'model-instruction',
    what: 'tells the model to keep something from the user',
    pattern: new RegExp(
      String.raw`\b(?:do not|don't|dont|never|must not|should not|without)\s+(?:tell|inform|mention|reveal|notify|alert|disclose)(?:ing)?\b${GAP(40)}\b${USER}\b|\b(?:do not|don't|never)\s+mention\s+(?:that|this|it)\b`,
      'i',
    ),
  },
  {
    rule: 'model-instruction',
    what: 'tells the model to keep something from the user',
    pattern: new RegExp(
      String.raw`\b${USER} (?:must|should|need) (?:not|never) (?:know|see|notice|find out|be told)\b`,
      'i',
    ),
  },
  {
    rule: 'model-instruction',
    what: 'a fake system or priority tag',
    pattern:
      /<\s*\/?\s*(?:important|system|instructions?|secret|hidden|admin|assistant)\s*>|\[\s*(?:system|inst)\s*\]|<\|im_start\|>/i,
  },
  {
    rule: 'model-instruction',
    what: 'a new role or instructions for the model',
    pattern:
      /\b(?:you are now|from now on,? you|new instructions\s*:|system prompt\s*:|as an ai(?: language)? model,? you must)/i,
  },
  {
    rule: 'model-instruction',
    what: 'threatens a made-up catastrophe',
    // "otherwise the request will fail" is honest documentation; crashes and lost data are pressure.
    pattern:
      /\b(?:the (?:application|system|app|computer|server) (?:will )?crash(?:es)?|all (?:your |the |of the )?data will be lost)\b/i,
  },
  {
    rule: 'secret-access',
    what: 'asks to read a secret file',
    pattern: new RegExp(String.raw`${READ_VERB}${GAP(60)}${SECRET_FILE}`, 'i'),
  },
  {
    rule: 'secret-access',
    what: 'passes a secret file on',
    pattern: new RegExp(
      String.raw`${ANY_SECRET_FILE}${GAP(60)}\b(?:and|then)\s+(?:pass|send|include|put|add|append|provide|upload|paste)\b`,
      'i',
    ),
  },
  {
    rule: 'secret-access',
    what: 'collects secrets from the conversation',
    pattern: new RegExp(
      String.raw`\b(?:all|any|every)\b${GAP(20)}${SECRET_WORD}${GAP(40)}\b(?:found|from|in|within|of)\b${GAP(20)}\b${MODEL_CONTEXT}\b`,
      'i',
    ),
  },
  {
    rule: 'secret-access',
    what: 'smuggles data out through a side parameter',
    pattern: new RegExp(
      String.raw`\b(?:as|in|into|to)\b (?:the |a )?['"\`]?(?:side ?note|hidden parameter|secret parameter)\b|${SECRET_WORD}${GAP(40)}\b(?:side ?note)\b`,
      'i',
    ),
  },
  {
    rule: 'cross-tool',
    what: "claims a side effect on another tool's behaviour",
    pattern: /(?<!\bno )\bside[- ]?effects? on\b[^.!?\n]{0,40}\btools?\b/i,
  },
  {
    rule: 'cross-tool',
    what: 'redirects what another tool sends',
    pattern: new RegExp(
      // A fixed address in an order to reroute or copy: "send all emails to", "bcc every email to", "change the
      // recipient to". A plain "send an email to bob@example.com" example is not enough.
      String.raw`\b(?:change|replace|redirect|override|rewrite|alter)\b${GAP(50)}\bto\s+${ADDRESS}|\b(?:send|forward|bcc|cc|copy)\s+(?:all|every|each|any|a copy of)\b${GAP(50)}\bto\s+${ADDRESS}|\b(?:always|also)\s+(?:bcc|cc|copy|forward|send)\b${GAP(50)}\bto\s+${ADDRESS}`,
      'i',
    ),
  },
  {
    rule: 'cross-tool',
    what: 'gives orders for when another tool runs',
    pattern: new RegExp(
      String.raw`\bwhen(?:ever)?\s+(?!this\b|it\b)${GAP(40)}(?:\b\w+_\w+\b|\btool\b)${GAP(20)}\b(?:is|are|gets?)\s+(?:invoked|called|used|run|executed)\b${GAP(30)}\b(?:make sure|ensure|must|always|instead)\b`,
      'i',
    ),
  },
  {
    rule: 'cross-tool',
    what: 'calls tools behind the user',
    pattern: new RegExp(
      String.raw`\b(?:silently|secretly|quietly|covertly)\b${GAP(20)}\b(?:call|invoke|run|use|execute|send)\b|\b(?:call|invoke|run|execute)\b${GAP(40)}\bwithout (?:asking|telling|informing|notifying|the user)`,
      'i',
    ),
  },
  {
    rule: 'cross-tool',
    what: 'forbids the other tools',
    pattern: /\b(?:never|do not|don't) (?:use|call|invoke) (?:any )?(?:other|another|the other) tools?\b/i,
  },
];
