#!/bin/sh
# Regenerates the fuzz seeds: tiny real files made by FFmpeg, so mutations
# reach every box a native reader parses. Run from this folder.
set -eu
FF="ffmpeg -hide_banner -loglevel error -y"
mkdir -p bmff mxf tiff matroska aiff
V="-f lavfi -i testsrc2=size=64x36:rate=24000/1001 -t 0.0834"
A="-f lavfi -i sine=sample_rate=48000 -t 0.0834"
$FF $V $A -c:v prores_ks -profile:v 4 -pix_fmt yuva444p10le -c:a pcm_s24le -timecode 01:00:00:00 bmff/prores_tc.mov
$FF $V $A -c:v libx264 -pix_fmt yuv422p10le -c:a aac -ac 2 -movflags +faststart bmff/h264_aac_faststart.mp4
$FF $V $A -c:v libx264 -pix_fmt yuvj420p -c:a pcm_s16be -ac 2 bmff/h264_pcm_end.mov
$FF -f lavfi -i testsrc2=size=256x144:rate=25 -t 0.04 -c:v dnxhd -profile:v dnxhr_lb -pix_fmt yuv422p bmff/dnxhr.mov
$FF $V -t 0.21 -c:v libx265 -x265-params bframes=3:keyint=4:log-level=error -pix_fmt yuv420p10le bmff/hevc_main10.mp4
$FF -f lavfi -i testsrc2=size=256x144:rate=25 $A -t 0.04 -c:v dnxhd -profile:v dnxhr_lb -pix_fmt yuv422p -c:a pcm_s24le -timecode 10:00:00:00 mxf/dnxhr_pcm_op1a.mxf
$FF -f lavfi -i testsrc2=size=64x36:rate=24 -t 0.0417 -c:v jpeg2000 -pix_fmt rgb48le -f mxf_opatom mxf/j2k_opatom.mxf
$FF -f lavfi -i testsrc2=size=16x9 -frames:v 1 -c:v tiff -pix_fmt rgb48le -compression_algo lzw tiff/rgb48_lzw.tif
$FF -f lavfi -i testsrc2=size=16x9 -frames:v 1 -c:v tiff -pix_fmt pal8 tiff/pal8.tif
$FF $V $A -c:v libx264 -c:a aac -ac 2 matroska/h264_aac.mkv
$FF -f lavfi -i testsrc2=size=64x36:rate=25 $A -t 0.08 -c:v libx265 -x265-params log-level=error -c:a pcm_s24le matroska/hevc_pcm.mkv
$FF -f lavfi -i testsrc2=size=64x36:rate=25 -t 0.08 -c:v mpeg2video -pix_fmt yuv422p -b:v 5M mxf/mpeg2_422.mxf
$FF -f lavfi -i testsrc2=size=64x36:rate=25 -t 0.08 -c:v libx264 -pix_fmt yuv420p mxf/avc.mxf
$FF -f lavfi -i testsrc2=size=64x36:rate=24000/1001 $A -t 0.5 -c:v libx264 -g 4 -c:a aac -ac 2 -movflags frag_keyframe bmff/h264_aac_fragmented.mp4
$FF -f lavfi -i testsrc2=size=64x36:rate=25 -t 0.08 -c:v prores -profile:v 3 mxf/prores_hq.mxf
# A DASH init segment with its segment indexes (`sidx`), cut before the first fragment.
$FF -f lavfi -i testsrc2=size=64x36:rate=25 $A -t 0.2 -c:v libx264 -g 2 -c:a aac -ac 2 -movflags +frag_keyframe+empty_moov+global_sidx /tmp/fp_sidx.mp4
python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(); i=c=0
while i+8<=len(d):
    n,t=struct.unpack(">I4s",d[i:i+8]); c=i+n if t==b"sidx" else c; i+=max(n,8)
open(sys.argv[2],"wb").write(d[:c])' /tmp/fp_sidx.mp4 bmff/init_sidx.mp4
rm -f /tmp/fp_sidx.mp4
$FF -f lavfi -i sine=sample_rate=48000 -t 0.01 -c:a pcm_s24be -ac 2 -write_id3v2 1 aiff/s24_id3.aiff
$FF -f lavfi -i sine=sample_rate=48000 -t 0.01 -c:a pcm_f32be -af aformat=channel_layouts=quad aiff/f32_chan.aifc
# Elementary streams, transport streams, Ogg, AVI and stills (issue 22's readers).
mkdir -p elementary annexb ts ogg avi still
$FF -f lavfi -i sine=sample_rate=48000 -t 0.1 -c:a libmp3lame -b:a 64k elementary/tone.mp3
$FF -f lavfi -i sine=sample_rate=48000 -t 0.1 -c:a aac -f adts elementary/tone.aac
$FF -f lavfi -i sine=sample_rate=48000 -t 0.1 -c:a ac3 -ac 6 elementary/tone51.ac3
$FF -f lavfi -i sine=sample_rate=48000 -t 0.1 -c:a eac3 -ac 2 elementary/tone.eac3
$FF -f lavfi -i sine=sample_rate=48000 -t 0.1 -c:a flac elementary/tone.flac
$FF -f lavfi -i testsrc2=size=64x36:rate=25 -t 0.12 -c:v libx264 -bsf:v h264_mp4toannexb -f h264 annexb/clip.h264
$FF -f lavfi -i testsrc2=size=64x36:rate=25 -t 0.12 -c:v libx265 -x265-params log-level=error -f hevc annexb/clip.hevc
$FF -f lavfi -i testsrc2=size=64x36:rate=25 -t 0.12 -c:v libvpx-vp9 -f ivf annexb/clip.ivf
$FF -f lavfi -i testsrc2=size=64x36:rate=25 -t 0.12 -c:v mpeg2video annexb/clip.m2v
$FF -f lavfi -i testsrc2=size=64x36:rate=25 $A -t 0.12 -c:v libx264 -c:a aac -ac 2 ts/h264_aac.ts
$FF -f lavfi -i testsrc2=size=64x36:rate=25 $A -t 0.12 -c:v mpeg2video -c:a ac3 -mpegts_m2ts_mode 1 ts/mpeg2_ac3.m2ts
$FF $A -c:a libopus ogg/opus.ogg
$FF -f lavfi -i testsrc2=size=64x36:rate=25 $A -t 0.12 -c:v libtheora -c:a libvorbis ogg/theora_vorbis.ogv
$FF -f lavfi -i testsrc2=size=64x36:rate=25 $A -t 0.12 -c:v mpeg4 -c:a libmp3lame avi/mpeg4_mp3.avi
$FF -f lavfi -i testsrc2=size=64x36 -frames:v 1 still/frame.jpg
$FF -f lavfi -i testsrc2=size=64x36 -frames:v 1 still/frame.png
$FF -f lavfi -i testsrc2=size=64x36 -frames:v 1 -c:v jpeg2000 still/frame.j2c
