"""Drops the STT and TTS arguments from an agent file, each up to its closing bracket.

    python3 strip-speech.py IN OUT

Used for the second pass of try.sh: what works once the speech models are out of the way.
"""
import re, sys
src = open(sys.argv[1]).read()
out, i = [], 0
pat = re.compile(r'^[ \t]*(stt|tts)\s*[=:]\s*', re.M)
while True:
    m = pat.search(src, i)
    if not m:
        out.append(src[i:]); break
    out.append(src[i:m.start()])
    j, depth = m.end(), 0
    while j < len(src):
        c = src[j]
        if c in '([{': depth += 1
        elif c in ')]}':
            if depth == 0: break
            depth -= 1
        elif c == ',' and depth == 0:
            j += 1; break
        elif c == '\n' and depth == 0: break
        j += 1
    while j < len(src) and src[j] in ' \t': j += 1
    if j < len(src) and src[j] == '\n': j += 1
    i = j
open(sys.argv[2], 'w').write(''.join(out))
