#!/usr/bin/env python3
"""Home Assistant's Wyoming call sequences, replayed with the real `wyoming` client package.

Home Assistant's own code cannot run here, so this script repeats what its wyoming integration sends
(homeassistant/components/wyoming: data.py, stt.py, tts.py; see ../shared/reference/wyoming.md section 4) with the
same library it uses. Each command prints one JSON object on stdout: what came back, for the test to check.

  describe HOST PORT
  stt HOST PORT PCM_FILE [LANGUAGE] [--concurrent]
  tts HOST PORT TEXT [VOICE]
  tts-stream HOST PORT VOICE_OR_- CHUNK [CHUNK ...]
"""
import asyncio
import json
import sys
import time

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.info import Describe, Info
from wyoming.tts import (
    Synthesize,
    SynthesizeChunk,
    SynthesizeStart,
    SynthesizeStop,
    SynthesizeStopped,
    SynthesizeVoice,
)

# homeassistant/components/wyoming/const.py
SAMPLE_RATE = 16000
SAMPLE_WIDTH = 2
SAMPLE_CHANNELS = 1
# One chunk per 10 ms of audio, as the Assist pipeline hands it to the provider.
CHUNK_BYTES = 320
# A bound on every wait, so a broken server fails the test instead of hanging it.
WAIT_S = 20


def out(result):
    print(json.dumps(result), flush=True)


async def describe(host, port):
    # data.py load_wyoming_info: one second covers connecting, describe and reading up to info.
    started = time.monotonic()
    async with AsyncTcpClient(host, port) as client, asyncio.timeout(1):
        await client.write_event(Describe().event())
        while True:
            event = await client.read_event()
            if event is None:
                out({"error": "closed"})
                return
            if Info.is_type(event.type):
                info = Info.from_event(event)
                out({"info": info.to_dict(), "ms": (time.monotonic() - started) * 1000})
                return


def event_record(event):
    data = dict(event.data or {})
    record = {"type": event.type, "data": data}
    if event.payload:
        record["payload_bytes"] = len(event.payload)
    return record


async def stt(host, port, pcm_file, language, concurrent):
    with open(pcm_file, "rb") as f:
        pcm = f.read()
    events = []
    async with AsyncTcpClient(host, port) as client:
        await client.write_event(Transcribe(language=language).event())
        await client.write_event(AudioStart(rate=SAMPLE_RATE, width=SAMPLE_WIDTH, channels=SAMPLE_CHANNELS).event())

        async def upload():
            for i in range(0, len(pcm), CHUNK_BYTES):
                chunk = AudioChunk(rate=SAMPLE_RATE, width=SAMPLE_WIDTH, channels=SAMPLE_CHANNELS, audio=pcm[i : i + CHUNK_BYTES])
                await client.write_event(chunk.event())
                if concurrent:
                    # Real time, as a microphone delivers it (the command may end before the audio does).
                    await asyncio.sleep(0.01)
            await client.write_event(AudioStop().event())
            return "uploaded"

        async def read():
            while True:
                event = await client.read_event()
                if event is None:
                    events.append({"type": "(closed)"})
                    return "closed"
                events.append(event_record(event))
                if Transcript.is_type(event.type) or Error.is_type(event.type):
                    # stt.py stops at the transcript; the streaming events around it are read here too, to check them.
                    # After an error the server must close: the next read is the end of the connection.
                    try:
                        tail = await asyncio.wait_for(client.read_event(), timeout=0.5 if Transcript.is_type(event.type) else 5)
                        events.append(event_record(tail) if tail is not None else {"type": "(closed)"})
                    except asyncio.TimeoutError:
                        pass
                    if Error.is_type(event.type):
                        return "error"
                    return "transcript"

        async with asyncio.timeout(WAIT_S):
            if concurrent:
                # The newest stt.py: upload and read at once; a transcript before audio-stop ends the request.
                up = asyncio.create_task(upload())
                reader = asyncio.create_task(read())
                done, _pending = await asyncio.wait({up, reader}, return_when=asyncio.FIRST_COMPLETED)
                if reader not in done:
                    await reader
                uploaded = up.done()
                if not up.done():
                    up.cancel()
                out({"events": events, "uploaded_all": uploaded})
            else:
                await upload()
                await read()
                out({"events": events, "uploaded_all": True})


async def tts(host, port, text, voice):
    # tts.py async_get_tts_audio: a voice only when one is chosen; WAV parameters from the first audio-chunk.
    voice_obj = SynthesizeVoice(name=voice) if voice else None
    events = []
    audio = 0
    fmt = None
    async with AsyncTcpClient(host, port) as client, asyncio.timeout(WAIT_S):
        await client.write_event(Synthesize(text=text, voice=voice_obj).event())
        while True:
            event = await client.read_event()
            if event is None:
                events.append("(closed)")
                break
            events.append(event.type)
            if AudioChunk.is_type(event.type):
                chunk = AudioChunk.from_event(event)
                if fmt is None:
                    fmt = [chunk.rate, chunk.width, chunk.channels]
                audio += len(chunk.audio)
            elif AudioStop.is_type(event.type):
                break
            elif Error.is_type(event.type):
                err = Error.from_event(event)
                out({"error": {"text": err.text, "code": err.code}, "events": events})
                return
    out({"events": compress(events), "audio_bytes": audio, "format": fmt})


async def tts_stream(host, port, voice, chunks):
    # tts.py streaming: SynthesizeStart, a SynthesizeChunk per piece of the LLM's answer, Synthesize (the whole
    # text, for compatibility), SynthesizeStop; the reader takes the first audio-start and every chunk after it,
    # and ends at synthesize-stopped.
    voice_obj = SynthesizeVoice(name=voice) if voice else None
    events = []
    audio = 0
    fmt = None
    first_audio = asyncio.Event()
    stop_sent_at = None
    first_audio_at = None
    async with AsyncTcpClient(host, port) as client:

        async def write():
            nonlocal stop_sent_at
            await client.write_event(SynthesizeStart(voice=voice_obj).event())
            # The first piece is a complete sentence: its audio must start before the rest arrives.
            await client.write_event(SynthesizeChunk(text=chunks[0]).event())
            try:
                await asyncio.wait_for(first_audio.wait(), timeout=10)
            except asyncio.TimeoutError:
                pass
            for piece in chunks[1:]:
                await client.write_event(SynthesizeChunk(text=piece).event())
            await client.write_event(Synthesize(text="".join(chunks), voice=voice_obj).event())
            stop_sent_at = time.monotonic()
            await client.write_event(SynthesizeStop().event())

        async def read():
            nonlocal audio, fmt, first_audio_at
            started = False
            while True:
                event = await client.read_event()
                if event is None:
                    events.append("(closed)")
                    return
                events.append(event.type)
                if AudioStart.is_type(event.type) and not started:
                    started = True
                    start = AudioStart.from_event(event)
                    fmt = [start.rate, start.width, start.channels]
                elif AudioChunk.is_type(event.type) and started:
                    if first_audio_at is None:
                        first_audio_at = time.monotonic()
                        first_audio.set()
                    audio += len(AudioChunk.from_event(event).audio)
                elif SynthesizeStopped.is_type(event.type):
                    return
                elif Error.is_type(event.type):
                    err = Error.from_event(event)
                    events.append({"text": err.text, "code": err.code})

        async with asyncio.timeout(WAIT_S):
            await asyncio.gather(write(), read())
    out(
        {
            "events": compress(events),
            "audio_bytes": audio,
            "format": fmt,
            "audio_before_stop": first_audio_at is not None and stop_sent_at is not None and first_audio_at < stop_sent_at,
        }
    )


def compress(events):
    """Runs of the same event type as one entry with a count: ["audio-start", "audio-chunk*12", ...]."""
    result = []
    for e in events:
        if isinstance(e, str) and result and isinstance(result[-1], list) and result[-1][0] == e:
            result[-1][1] += 1
        else:
            result.append([e, 1] if isinstance(e, str) else e)
    return [f"{e[0]}*{e[1]}" if isinstance(e, list) and e[1] > 1 else (e[0] if isinstance(e, list) else e) for e in result]


def main(argv):
    command, host, port = argv[1], argv[2], int(argv[3])
    rest = argv[4:]
    if command == "describe":
        asyncio.run(describe(host, port))
    elif command == "stt":
        concurrent = "--concurrent" in rest
        rest = [r for r in rest if r != "--concurrent"]
        asyncio.run(stt(host, port, rest[0], rest[1] if len(rest) > 1 and rest[1] != "-" else None, concurrent))
    elif command == "tts":
        asyncio.run(tts(host, port, rest[0], rest[1] if len(rest) > 1 else None))
    elif command == "tts-stream":
        asyncio.run(tts_stream(host, port, None if rest[0] == "-" else rest[0], rest[1:]))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv)
