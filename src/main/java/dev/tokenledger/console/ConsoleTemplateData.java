package dev.tokenledger.console;

import io.quarkus.qute.TemplateData;

import dev.tokenledger.admin.AuditResource;
import dev.tokenledger.admin.DeploymentsResource;
import dev.tokenledger.admin.KeysResource;
import dev.tokenledger.admin.LedgerResource;
import dev.tokenledger.admin.PricesResource;
import dev.tokenledger.admin.TenancyResource;
import dev.tokenledger.audit.AuditLog;

/** The admin API's views the console's templates read: value resolvers are generated for them (no reflection). */
@TemplateData(target = KeysResource.KeyView.class)
@TemplateData(target = KeysResource.CreatedKey.class)
@TemplateData(target = TenancyResource.TeamView.class)
@TemplateData(target = DeploymentsResource.DeploymentView.class)
@TemplateData(target = PricesResource.VersionView.class)
@TemplateData(target = PricesResource.Prices.class)
@TemplateData(target = PricesResource.Quote.class)
@TemplateData(target = PricesResource.ImportSummary.class)
@TemplateData(target = PricesResource.ImportChange.class)
@TemplateData(target = LedgerResource.LedgerEntry.class)
@TemplateData(target = AuditLog.Entry.class)
@TemplateData(target = AuditResource.AuditPage.class)
@TemplateData(target = SpendChart.class)
@TemplateData(target = SpendChart.Bar.class)
@TemplateData(target = SpendChart.Legend.class)
@TemplateData(target = SpendChart.Tick.class)
@TemplateData(target = SpendChart.Label.class)
@TemplateData(target = SpendPage.Form.class)
@TemplateData(target = SpendPage.TopRow.class)
@TemplateData(target = OperationsPages.Gauge.class)
@TemplateData(target = ConsolePages.Viewer.class)
final class ConsoleTemplateData {

    private ConsoleTemplateData() {
    }
}
