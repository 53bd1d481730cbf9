using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EmrPortal.PortalData.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditRepeats : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Count",
                table: "AuditEntries",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<long>(
                name: "LastAt",
                table: "AuditEntries",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Count",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "LastAt",
                table: "AuditEntries");
        }
    }
}
