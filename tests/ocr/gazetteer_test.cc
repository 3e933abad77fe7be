#include "ocr/gazetteer.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace qunying::ocr {
namespace {

bool Has(const std::vector<PlaceMatch>& m, const std::string& field,
         const std::string& value) {
  return std::any_of(m.begin(), m.end(), [&](const PlaceMatch& p) {
    return p.field == field && p.value == value;
  });
}

size_t Count(const std::vector<PlaceMatch>& m, const std::string& field) {
  return std::count_if(m.begin(), m.end(),
                       [&](const PlaceMatch& p) { return p.field == field; });
}

// The highest strength among the field's matches; -1 if there is none.
double TopStrength(const std::vector<PlaceMatch>& m, const std::string& field) {
  double top = -1;
  for (const auto& p : m) {
    if (p.field == field) top = std::max(top, p.strength);
  }
  return top;
}

TEST(GazetteerTest, CompiledInDataListsEveryMunicipalityAndManyCities) {
  const auto& cities = Gazetteer::Default().cities();
  EXPECT_GT(cities.size(), 280u);
  for (const char* name : {"北京", "上海", "天津", "重庆", "杭州", "成都"}) {
    EXPECT_TRUE(std::any_of(cities.begin(), cities.end(), [&](const auto& c) {
      return c.name == name;
    })) << name;
  }
}

TEST(GazetteerTest, CityWithShiAndItsDistrict) {
  auto m = Gazetteer::Default().Find("坐标：杭州市西湖区");
  EXPECT_TRUE(Has(m, "city", "杭州"));
  EXPECT_TRUE(Has(m, "district", "西湖区"));
  EXPECT_EQ(Count(m, "city"), 1u);  // 南昌 also has a 西湖区: not named.
}

TEST(GazetteerTest, AUniqueDistrictImpliesItsCity) {
  auto m = Gazetteer::Default().Find("我们住在海淀区");
  EXPECT_TRUE(Has(m, "district", "海淀区"));
  EXPECT_TRUE(Has(m, "city", "北京"));
}

TEST(GazetteerTest, AnAmbiguousDistrictAloneNamesNoCity) {
  // 朝阳区 is in Beijing and in Changchun; 朝阳 is also a city in Liaoning.
  auto m = Gazetteer::Default().Find("家在朝阳区");
  EXPECT_TRUE(Has(m, "district", "朝阳区"));
  EXPECT_EQ(Count(m, "city"), 0u);
  auto with_city = Gazetteer::Default().Find("长春市朝阳区");
  EXPECT_TRUE(Has(with_city, "city", "长春"));
  EXPECT_FALSE(Has(with_city, "city", "北京"));
}

TEST(GazetteerTest, ADistrictMisreadByOneCharacterAfterItsCityIsWeak) {
  // OCR read 荥阳市 as 荣阳市.
  auto m = Gazetteer::Default().Find("郑州市荣阳市育英实验小学");
  ASSERT_TRUE(Has(m, "district", "荥阳市"));
  EXPECT_LT(TopStrength(m, "district"), 0.7);
  // The suffix misread (区 as 瓜) counts too, weakly; a road does not.
  auto suffix = Gazetteer::Default().Find("苏州市相城瓜求真实验小学");
  EXPECT_TRUE(Has(suffix, "district", "相城区"));
  EXPECT_LT(TopStrength(suffix, "district"), 0.7);
  EXPECT_EQ(Count(Gazetteer::Default().Find("郑州市中原路"), "district"), 0u);
  EXPECT_EQ(Count(Gazetteer::Default().Find("郑州市中原A"), "district"), 0u);
  // Two characters off, or not right after the city: nothing.
  EXPECT_EQ(Count(Gazetteer::Default().Find("郑州市荣田市"), "district"), 0u);
  EXPECT_EQ(Count(Gazetteer::Default().Find("郑州市的荣阳市"), "district"), 0u);
  // An exact district wins and is not doubled.
  auto exact = Gazetteer::Default().Find("杭州市西湖区");
  EXPECT_EQ(Count(exact, "district"), 1u);
}

TEST(GazetteerTest, StreetsParksAndCommonWordsAreNotCities) {
  EXPECT_EQ(Count(Gazetteer::Default().Find("住在北京路"), "city"), 0u);
  EXPECT_EQ(Count(Gazetteer::Default().Find("去中山公园玩"), "city"), 0u);
  EXPECT_EQ(Count(Gazetteer::Default().Find("早餐吃了三明治"), "city"), 0u);
  EXPECT_TRUE(Has(Gazetteer::Default().Find("我在中山市"), "city", "中山"));
}

// A line that ends in a city's name: the look for a district after it
// once read past the end, which ended the process (a noexcept compare).
TEST(GazetteerTest, ALineEndingInACityNameIsRead) {
  const Gazetteer& g = Gazetteer::Default();
  auto m = g.Find("我们住在杭州");
  EXPECT_TRUE(Has(m, "city", "杭州"));
  EXPECT_TRUE(Has(g.Find("杭州"), "city", "杭州"));
  EXPECT_TRUE(Has(g.Find("江苏常德青山区唐山"), "district", "青山区"));
}

// Only a name's first character is looked up in a line; what is found is
// what a search of the whole line for each name finds.
TEST(GazetteerTest, FindsEveryNameWhereverItStarts) {
  const Gazetteer& g = Gazetteer::Default();
  size_t cities = 0;
  for (const GazetteerCity& c : g.cities()) {
    std::string line = "住在" + c.name + "市";
    auto m = g.Find(line);
    if (Has(m, "city", c.name)) ++cities;
    for (const std::string& d : c.districts) {
      EXPECT_TRUE(Has(g.Find("x" + d + "y"), "district", d)) << d;
    }
  }
  EXPECT_EQ(cities, g.cities().size());
}

TEST(GazetteerTest, ParseNamesTheBadLine) {
  auto bad = Gazetteer::Parse("# comment\n浙江\t杭州\t西湖区\n只有一列\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 3"), std::string::npos)
      << bad.status().message();
  auto good = Gazetteer::Parse("浙江\t杭州\t西湖区,余杭区\n江苏\t徐州\t\n");
  ASSERT_TRUE(good.ok());
  ASSERT_EQ(good->cities().size(), 2u);
  EXPECT_EQ(good->cities()[0].districts.size(), 2u);
  EXPECT_TRUE(good->cities()[1].districts.empty());
}

}  // namespace
}  // namespace qunying::ocr
