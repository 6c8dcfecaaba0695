#include <catch2/catch.hpp>

#include "engine/model/details.h"

using namespace pgdecl;

namespace {

struct Found {
  std::string complaint;
  bool lost = false;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Found, complaint, lost)

}  // namespace

TEST_CASE("a provider's details read back as it wrote them, or as nothing when unreadable", "[unit]") {
  engine::LiveResource live;
  CHECK_FALSE(engine::details_of<Found>(live).lost);  // none written
  engine::set_details(live, Found{"FATAL:  could not connect", true});
  CHECK(engine::details_of<Found>(live).complaint == "FATAL:  could not connect");
  CHECK(engine::details_of<Found>(live).lost);
  live.details = "[1, 2";  // a saved plan edited by hand
  CHECK(engine::details_of<Found>(live).complaint.empty());
}

TEST_CASE("text that is not UTF-8 (a container's log) is kept, replaced, without failing the read",
          "[unit]") {
  engine::LiveResource live;
  REQUIRE_NOTHROW(engine::set_details(live, Found{"caf\xe9 down", false}));
  CHECK(engine::details_of<Found>(live).complaint == "caf\xef\xbf\xbd down");
}
