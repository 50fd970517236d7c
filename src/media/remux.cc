#include "media/remux.h"

#include <unistd.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "media/libav_util.h"

namespace canvass::media {

namespace {

struct Contexts {
  AVFormatContext* in = nullptr;
  AVFormatContext* out = nullptr;
  std::string out_path;
  bool keep = false;
  ~Contexts() {
    avformat_close_input(&in);
    if (out != nullptr) {
      if (out->pb != nullptr) avio_closep(&out->pb);
      avformat_free_context(out);
    }
    if (!keep && !out_path.empty()) ::unlink(out_path.c_str());
  }
};

Status Error(const std::string& what, int rc) { return InternalError(what + ": " + AvErrorString(rc)); }

}  // namespace

StatusOr<RemuxedFile> RemuxToMp4(const std::string& in_path, const std::string& out_path) {
  QuietLibavLogging();
  Contexts c;
  int rc = avformat_open_input(&c.in, in_path.c_str(), nullptr, nullptr);
  if (rc < 0) return InvalidArgumentError("cannot read " + in_path + ": " + AvErrorString(rc));
  rc = avformat_find_stream_info(c.in, nullptr);
  if (rc < 0) return InvalidArgumentError("cannot read " + in_path + ": " + AvErrorString(rc));
  rc = avformat_alloc_output_context2(&c.out, nullptr, "mp4", out_path.c_str());
  if (rc < 0 || c.out == nullptr) return Error("cannot set up the MP4 muxer", rc);
  std::vector<int> map(c.in->nb_streams, -1);
  for (unsigned i = 0; i < c.in->nb_streams; ++i) {
    const AVCodecParameters* par = c.in->streams[i]->codecpar;
    if (par->codec_type != AVMEDIA_TYPE_VIDEO && par->codec_type != AVMEDIA_TYPE_AUDIO) continue;
    AVStream* s = avformat_new_stream(c.out, nullptr);
    if (s == nullptr) return ResourceExhaustedError("out of memory for a stream");
    rc = avcodec_parameters_copy(s->codecpar, par);
    if (rc < 0) return Error("cannot copy the stream's parameters", rc);
    s->codecpar->codec_tag = 0;
    s->time_base = c.in->streams[i]->time_base;
    map[i] = s->index;
  }
  if (c.out->nb_streams == 0) return InvalidArgumentError(in_path + " holds no video or audio");
  av_dict_copy(&c.out->metadata, c.in->metadata, 0);  // creation_time and the like
  c.out_path = out_path;
  rc = avio_open(&c.out->pb, out_path.c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) {
    c.out_path.clear();
    return Error("cannot create " + out_path, rc);
  }
  rc = avformat_write_header(c.out, nullptr);
  if (rc < 0) return Error("cannot write the MP4 header", rc);

  RemuxedFile r;
  int64_t first_us = std::numeric_limits<int64_t>::max(), end_us = 0;
  AvPacketPtr pkt(av_packet_alloc());
  if (pkt == nullptr) return ResourceExhaustedError("out of memory");
  // Up to the end, or to the first packet that cannot be read (a file cut short).
  while (av_read_frame(c.in, pkt.get()) >= 0) {
    const int si = pkt->stream_index;
    if (si < 0 || si >= static_cast<int>(map.size()) || map[si] < 0) {
      av_packet_unref(pkt.get());
      continue;
    }
    const AVRational tb = c.in->streams[si]->time_base;
    const int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
    if (ts != AV_NOPTS_VALUE) {
      const int64_t t_us = av_rescale_q(ts, tb, AVRational{1, 1000000});
      first_us = std::min(first_us, t_us);
      end_us = std::max(end_us, t_us + av_rescale_q(pkt->duration, tb, AVRational{1, 1000000}));
    }
    pkt->stream_index = map[si];
    av_packet_rescale_ts(pkt.get(), tb, c.out->streams[map[si]]->time_base);
    pkt->pos = -1;
    rc = av_interleaved_write_frame(c.out, pkt.get());  // takes the reference
    if (rc < 0) return Error("writing " + out_path + " failed", rc);
    ++r.packets;
  }
  if (r.packets == 0) return FailedPreconditionError(in_path + " holds no whole packet");
  rc = av_write_trailer(c.out);
  if (rc < 0) return Error("cannot finish " + out_path, rc);
  rc = avio_closep(&c.out->pb);
  if (rc < 0) return Error("cannot close " + out_path, rc);
  c.keep = true;
  r.duration_us = first_us == std::numeric_limits<int64_t>::max() ? 0 : end_us - first_us;
  return r;
}

}  // namespace canvass::media
