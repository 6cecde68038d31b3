// Label surfaces for the 3D view: shape, size and position against labels whose
// geometry is known exactly (a ball, a box cut by the grid's edge).

#include <gtest/gtest.h>
#include <vtkFeatureEdges.h>
#include <vtkMassProperties.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkTriangleFilter.h>

#include <cmath>
#include <vector>

#include "annulo/render/LabelSurface.h"

namespace annulo {
namespace {

struct Grid {
  int nx, ny, nz;
  std::vector<std::uint8_t> v;
  Grid(int x, int y, int z) : nx(x), ny(y), nz(z), v(std::size_t(x) * std::size_t(y) * std::size_t(z), 0) {}
  std::uint8_t& at(int x, int y, int z) {
    return v[(std::size_t(z) * std::size_t(ny) + std::size_t(y)) * std::size_t(nx) + std::size_t(x)];
  }
  LabelGrid grid(std::array<double, 3> spacing) const { return LabelGrid{v.data(), nx, ny, nz, spacing}; }
  void ball(double cx, double cy, double cz, double r, std::uint8_t label) {
    for (int z = 0; z < nz; ++z)
      for (int y = 0; y < ny; ++y)
        for (int x = 0; x < nx; ++x)
          if ((x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz) <= r * r) at(x, y, z) = label;
  }
};

double enclosedVolume(vtkPolyData* surface) {
  vtkNew<vtkTriangleFilter> tri;
  tri->SetInputData(surface);
  vtkNew<vtkMassProperties> mass;
  mass->SetInputConnection(tri->GetOutputPort());
  mass->Update();
  return mass->GetVolume();
}

vtkIdType openEdges(vtkPolyData* surface) {
  vtkNew<vtkFeatureEdges> edges;
  edges->SetInputData(surface);
  edges->BoundaryEdgesOn();
  edges->NonManifoldEdgesOn();
  edges->FeatureEdgesOff();
  edges->ManifoldEdgesOff();
  edges->Update();
  return edges->GetOutput()->GetNumberOfCells();
}

TEST(LabelSurface, BallHasItsVolumeAndPlaceInWorldUnits) {
  Grid g(48, 40, 30);
  g.ball(20, 18, 14, 9, 2);
  const std::array<double, 3> sp{0.5, 0.7, 2.0};
  auto surface = labelSurface(g.grid(sp), 2);
  ASSERT_GT(surface->GetNumberOfPoints(), 100);
  EXPECT_EQ(openEdges(surface), 0) << "the surface must be closed";
  const double expected = 4.0 / 3.0 * M_PI * 9 * 9 * 9 * sp[0] * sp[1] * sp[2];
  EXPECT_NEAR(enclosedVolume(surface), expected, 0.08 * expected);
  double b[6];
  surface->GetBounds(b);
  // Voxel centres sit at index x spacing; the boundary lies half a voxel outside the last one.
  EXPECT_NEAR(b[0], (20 - 9.5) * sp[0], sp[0]);
  EXPECT_NEAR(b[1], (20 + 9.5) * sp[0], sp[0]);
  EXPECT_NEAR(b[2], (18 - 9.5) * sp[1], sp[1]);
  EXPECT_NEAR(b[3], (18 + 9.5) * sp[1], sp[1]);
  EXPECT_NEAR(b[4], (14 - 9.5) * sp[2], sp[2]);
  EXPECT_NEAR(b[5], (14 + 9.5) * sp[2], sp[2]);
  ASSERT_NE(surface->GetPointData()->GetNormals(), nullptr) << "shading needs point normals";
}

TEST(LabelSurface, OnlyTheAskedLabelIsContoured) {
  Grid g(60, 30, 30);
  g.ball(14, 15, 15, 7, 1);
  g.ball(44, 15, 15, 10, 2);
  auto one = labelSurface(g.grid({1, 1, 1}), 1);
  double b[6];
  one->GetBounds(b);
  EXPECT_LT(b[1], 30) << "label 2's ball must not be part of label 1's surface";
  const double expected = 4.0 / 3.0 * M_PI * 7 * 7 * 7;
  EXPECT_NEAR(enclosedVolume(one), expected, 0.1 * expected);
}

TEST(LabelSurface, LabelTouchingTheGridEdgeStillGivesAClosedSurface) {
  // The leak of the last frames of a cine reaches the stack's end.
  Grid g(30, 30, 12);
  for (int z = 6; z < 12; ++z)
    for (int y = 0; y < 10; ++y)
      for (int x = 0; x < 16; ++x) g.at(x, y, z) = 2;
  auto surface = labelSurface(g.grid({1, 1, 1}), 2, 0);
  EXPECT_EQ(openEdges(surface), 0);
  // Unsmoothed discrete surface: the box's faces at half-voxel offsets, corners chamfered.
  EXPECT_NEAR(enclosedVolume(surface), 16.0 * 10 * 6, 0.12 * 16 * 10 * 6);
  double b[6];
  surface->GetBounds(b);
  EXPECT_NEAR(b[0], -0.5, 0.01);
  EXPECT_NEAR(b[5], 11.5, 0.01);
}

TEST(LabelSurface, BoundsCountAndAbsentLabel) {
  Grid g(20, 20, 5);
  g.at(3, 4, 1) = 2;
  g.at(9, 15, 3) = 2;
  g.at(5, 5, 2) = 1;
  std::size_t n = 0;
  const VoxelBox box = labelBounds(g.grid({1, 1, 1}), 2, &n);
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(box.lo, (std::array<int, 3>{3, 4, 1}));
  EXPECT_EQ(box.hi, (std::array<int, 3>{9, 15, 3}));
  EXPECT_EQ(box.voxels(), 7u * 12u * 3u);
  EXPECT_TRUE(labelBounds(g.grid({1, 1, 1}), 7, &n).empty());
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(labelSurface(g.grid({1, 1, 1}), 7)->GetNumberOfPoints(), 0);
  EXPECT_EQ(labelSurface(LabelGrid{}, 1)->GetNumberOfPoints(), 0);
}

TEST(LabelSurface, AnchorLiesInsideABentShape) {
  // An L: the centroid falls outside the shape, the anchor must not.
  Grid g(40, 40, 3);
  for (int z = 0; z < 3; ++z) {
    for (int y = 5; y < 35; ++y)
      for (int x = 5; x < 9; ++x) g.at(x, y, z) = 2;
    for (int y = 31; y < 35; ++y)
      for (int x = 5; x < 35; ++x) g.at(x, y, z) = 2;
  }
  const LabelGrid grid = g.grid({1, 1, 1});
  const auto a = labelAnchor(grid, 2, labelBounds(grid, 2));
  EXPECT_EQ(g.at(int(a[0]), int(a[1]), int(a[2])), 2);
  EXPECT_EQ(a[2], 1) << "middle slice";
  // The centroid is (13.5, 25.5), in the L's empty inner corner; the nearest label
  // voxels are on the vertical bar's edge (8, 25..26), ~5.5 voxels away.
  EXPECT_EQ(a[0], 8);
  EXPECT_NEAR(a[1], 25.5, 0.5);
}

}  // namespace
}  // namespace annulo
