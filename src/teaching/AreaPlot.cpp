#include "teaching/AreaPlot.h"

#include <vtkAxis.h>
#include <vtkChartLegend.h>
#include <vtkChartXY.h>
#include <vtkContextScene.h>
#include <vtkContextView.h>
#include <vtkDoubleArray.h>
#include <vtkNew.h>
#include <vtkPNGWriter.h>
#include <vtkPen.h>
#include <vtkPlot.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTable.h>
#include <vtkTextProperty.h>
#include <vtkWindowToImageFilter.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "teaching/DisplayProbe.h"

namespace annulo::teaching {
namespace {

vtkNew<vtkTable> table(const char* x, const char* y, const std::vector<double>& xs, const std::vector<double>& ys) {
  vtkNew<vtkTable> t;
  vtkNew<vtkDoubleArray> a, b;
  a->SetName(x);
  b->SetName(y);
  for (std::size_t i = 0; i < xs.size(); ++i) a->InsertNextValue(xs[i]), b->InsertNextValue(ys[i]);
  t->AddColumn(a);
  t->AddColumn(b);
  return t;
}

void styleAxis(vtkAxis* axis, const std::string& title) {
  axis->SetTitle(title);
  axis->GetTitleProperties()->SetFontSize(22);
  axis->GetTitleProperties()->SetBold(true);
  axis->GetLabelProperties()->SetFontSize(18);
  axis->SetMinimumLimit(0);
}

}  // namespace

bool canRenderPlots() {
  const char* display = std::getenv("DISPLAY");
  if (!display || !*display) return false;
  // VTK aborts the process when DISPLAY names a server it cannot reach (a stale
  // ssh forward): try the connection first and leave the plot out instead.
  return teaching_detail::canConnectToDisplay(display);
}

Status writeAreaPlot(const AreaCurve& curve, const std::string& pngPath, PlotSize size) {
  if (!canRenderPlots()) return makeError(pngPath + ": no X display to render the plot (run under xvfb-run)");
  if (curve.timeMs.empty() || curve.timeMs.size() != curve.areaMm2.size())
    return makeError(pngPath + ": no leak area to plot");
  vtkNew<vtkContextView> view;
  view->GetRenderWindow()->SetOffScreenRendering(1);
  view->GetRenderWindow()->SetSize(size.width, size.height);
  view->GetRenderer()->SetBackground(1, 1, 1);
  vtkNew<vtkChartXY> chart;
  view->GetScene()->AddItem(chart);
  chart->SetShowLegend(true);
  chart->GetLegend()->GetLabelProperties()->SetFontSize(18);
  chart->SetTitle("Leak area over time");
  chart->GetTitleProperties()->SetFontSize(24);
  chart->GetTitleProperties()->SetBold(true);

  auto area = table("Time (ms)", "Leak area", curve.timeMs, curve.areaMm2);
  vtkPlot* line = chart->AddPlot(vtkChart::LINE);
  line->SetInputData(area, 0, 1);
  line->SetColor(255, 140, 0, 255);  // the leak overlay's orange
  line->SetWidth(3.0);
  line->SetLabel("Leak area (" + curve.areaUnit + ")");
  const double top = std::max(1.0, *std::max_element(curve.areaMm2.begin(), curve.areaMm2.end()));
  if (curve.onsetMs) {
    char label[64];
    std::snprintf(label, sizeof label, "Leak onset %.0f ms", *curve.onsetMs);
    auto onset = table("Time (ms)", "Onset", {*curve.onsetMs, *curve.onsetMs}, {0.0, top * 1.05});
    vtkPlot* mark = chart->AddPlot(vtkChart::LINE);
    mark->SetInputData(onset, 0, 1);
    mark->SetColor(192, 57, 43, 255);
    mark->SetWidth(3.0);
    mark->GetPen()->SetLineType(vtkPen::DASH_LINE);
    mark->SetLabel(label);
  }
  styleAxis(chart->GetAxis(vtkAxis::BOTTOM), "Time (ms)");
  styleAxis(chart->GetAxis(vtkAxis::LEFT), "Leak area (" + curve.areaUnit + ")");
  chart->GetAxis(vtkAxis::LEFT)->SetBehavior(vtkAxis::FIXED);
  chart->GetAxis(vtkAxis::LEFT)->SetRange(0, top * 1.1);

  view->GetRenderWindow()->Render();
  vtkNew<vtkWindowToImageFilter> grab;
  grab->SetInput(view->GetRenderWindow());
  grab->ReadFrontBufferOff();
  grab->Update();
  vtkNew<vtkPNGWriter> png;
  png->SetFileName(pngPath.c_str());
  png->SetInputConnection(grab->GetOutputPort());
  png->Write();
  std::error_code ec;
  if (!std::filesystem::exists(pngPath, ec) || std::filesystem::file_size(pngPath, ec) == 0)
    return makeError(pngPath + ": the plot was not written");
  return {};
}

}  // namespace annulo::teaching
