"""Speech: a statement's explanation read aloud in Mandarin by Debian's ``espeak-ng`` into a WAV
file, kept in the instance folder beside the text it says, so each statement is spoken once.

The cache key is the verification code and the SHA-256 of the text: when the books change what
a statement says, the new text is spoken anew.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ESPEAK = "espeak-ng"
VOICE = "cmn"  # Mandarin
WORDS_PER_MINUTE = "150"  # a little slower than espeak's 175, for older listeners
TIMEOUT_S = 60


class SpeechUnavailable(RuntimeError):
    """``espeak-ng`` is not installed on this server."""


def available() -> bool:
    return shutil.which(ESPEAK) is not None


def spoken(text: str, folder: Path, key: str) -> Path:
    """The WAV file saying ``text`` (made now unless already kept), under ``folder`` as
    ``{key}-{digest}.wav`` with the text beside it as ``.txt``.

    :raise SpeechUnavailable: espeak-ng is missing.
    """
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    safe = "".join(c for c in key if c.isalnum())
    wav = folder / f"{safe}-{digest}.wav"
    if wav.exists():
        return wav
    program = shutil.which(ESPEAK)
    if program is None:
        raise SpeechUnavailable("espeak-ng is not installed (Debian: apt-get install espeak-ng)")
    folder.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=folder, suffix=".wav.part")
    os.close(handle)
    try:
        subprocess.run(
            [program, "-v", VOICE, "-s", WORDS_PER_MINUTE, "-w", partial, "--stdin"],
            input=text.encode("utf-8"),
            check=True,
            capture_output=True,
            timeout=TIMEOUT_S,
        )
        wav.with_suffix(".txt").write_text(text + "\n", encoding="utf-8")
        os.replace(partial, wav)  # whole or not at all: a reader never gets half a file
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return wav
