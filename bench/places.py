"""Real places the synthetic catalogue scatters its events around.

Prefectures of every French department (metropolitan and overseas), a few towns that host
many races, and foreign cities for the ~5 % of events abroad. Coordinates are the town
centres (WGS84, rounded to 3 decimals: enough, every event point is jittered anyway).
"""

from __future__ import annotations

from typing import NamedTuple


class Place(NamedTuple):
    city: str
    department: str | None  # French department *name*, as the site publishes it
    region: str
    country_code: str
    country_label: str
    lat: float
    lng: float
    weight: float = 1.0


ARA = "Auvergne-Rhône-Alpes"
BFC = "Bourgogne-Franche-Comté"
BRE = "Bretagne"
CVL = "Centre-Val de Loire"
COR = "Corse"
GES = "Grand Est"
HDF = "Hauts-de-France"
IDF = "Île-de-France"
NOR = "Normandie"
NAQ = "Nouvelle-Aquitaine"
OCC = "Occitanie"
PDL = "Pays de la Loire"
PAC = "Provence-Alpes-Côte d'Azur"

_FR = [
    ("Bourg-en-Bresse", "Ain", ARA, 46.205, 5.226),
    ("Laon", "Aisne", HDF, 49.564, 3.620),
    ("Moulins", "Allier", ARA, 46.566, 3.333),
    ("Digne-les-Bains", "Alpes-de-Haute-Provence", PAC, 44.092, 6.236),
    ("Gap", "Hautes-Alpes", PAC, 44.559, 6.079),
    ("Nice", "Alpes-Maritimes", PAC, 43.703, 7.266),
    ("Privas", "Ardèche", ARA, 44.735, 4.599),
    ("Charleville-Mézières", "Ardennes", GES, 49.773, 4.720),
    ("Foix", "Ariège", OCC, 42.965, 1.607),
    ("Troyes", "Aube", GES, 48.297, 4.074),
    ("Carcassonne", "Aude", OCC, 43.213, 2.351),
    ("Rodez", "Aveyron", OCC, 44.350, 2.575),
    ("Marseille", "Bouches-du-Rhône", PAC, 43.296, 5.370),
    ("Caen", "Calvados", NOR, 49.183, -0.370),
    ("Aurillac", "Cantal", ARA, 44.926, 2.440),
    ("Angoulême", "Charente", NAQ, 45.648, 0.156),
    ("La Rochelle", "Charente-Maritime", NAQ, 46.160, -1.151),
    ("Bourges", "Cher", CVL, 47.081, 2.399),
    ("Tulle", "Corrèze", NAQ, 45.267, 1.771),
    ("Ajaccio", "Corse-du-Sud", COR, 41.919, 8.738),
    ("Bastia", "Haute-Corse", COR, 42.697, 9.451),
    ("Dijon", "Côte-d'Or", BFC, 47.322, 5.041),
    ("Saint-Brieuc", "Côtes-d'Armor", BRE, 48.514, -2.765),
    ("Guéret", "Creuse", NAQ, 46.171, 1.872),
    ("Périgueux", "Dordogne", NAQ, 45.184, 0.721),
    ("Besançon", "Doubs", BFC, 47.238, 6.024),
    ("Valence", "Drôme", ARA, 44.933, 4.892),
    ("Évreux", "Eure", NOR, 49.027, 1.151),
    ("Chartres", "Eure-et-Loir", CVL, 48.446, 1.489),
    ("Quimper", "Finistère", BRE, 47.996, -4.102),
    ("Nîmes", "Gard", OCC, 43.837, 4.360),
    ("Toulouse", "Haute-Garonne", OCC, 43.604, 1.444),
    ("Auch", "Gers", OCC, 43.646, 0.586),
    ("Bordeaux", "Gironde", NAQ, 44.838, -0.579),
    ("Montpellier", "Hérault", OCC, 43.611, 3.877),
    ("Rennes", "Ille-et-Vilaine", BRE, 48.117, -1.678),
    ("Châteauroux", "Indre", CVL, 46.810, 1.691),
    ("Tours", "Indre-et-Loire", CVL, 47.394, 0.685),
    ("Grenoble", "Isère", ARA, 45.188, 5.724),
    ("Lons-le-Saunier", "Jura", BFC, 46.675, 5.555),
    ("Mont-de-Marsan", "Landes", NAQ, 43.890, -0.500),
    ("Blois", "Loir-et-Cher", CVL, 47.586, 1.336),
    ("Saint-Étienne", "Loire", ARA, 45.440, 4.387),
    ("Le Puy-en-Velay", "Haute-Loire", ARA, 45.043, 3.885),
    ("Nantes", "Loire-Atlantique", PDL, 47.218, -1.554),
    ("Orléans", "Loiret", CVL, 47.903, 1.909),
    ("Cahors", "Lot", OCC, 44.448, 1.441),
    ("Agen", "Lot-et-Garonne", NAQ, 44.203, 0.616),
    ("Mende", "Lozère", OCC, 44.518, 3.501),
    ("Angers", "Maine-et-Loire", PDL, 47.478, -0.563),
    ("Saint-Lô", "Manche", NOR, 49.116, -1.091),
    ("Châlons-en-Champagne", "Marne", GES, 48.957, 4.363),
    ("Chaumont", "Haute-Marne", GES, 48.111, 5.139),
    ("Laval", "Mayenne", PDL, 48.073, -0.770),
    ("Nancy", "Meurthe-et-Moselle", GES, 48.692, 6.184),
    ("Bar-le-Duc", "Meuse", GES, 48.772, 5.160),
    ("Vannes", "Morbihan", BRE, 47.658, -2.760),
    ("Metz", "Moselle", GES, 49.120, 6.176),
    ("Nevers", "Nièvre", BFC, 46.990, 3.159),
    ("Lille", "Nord", HDF, 50.629, 3.057),
    ("Beauvais", "Oise", HDF, 49.430, 2.081),
    ("Alençon", "Orne", NOR, 48.432, 0.091),
    ("Arras", "Pas-de-Calais", HDF, 50.291, 2.777),
    ("Clermont-Ferrand", "Puy-de-Dôme", ARA, 45.778, 3.087),
    ("Pau", "Pyrénées-Atlantiques", NAQ, 43.295, -0.371),
    ("Tarbes", "Hautes-Pyrénées", OCC, 43.233, 0.078),
    ("Perpignan", "Pyrénées-Orientales", OCC, 42.699, 2.895),
    ("Strasbourg", "Bas-Rhin", GES, 48.573, 7.752),
    ("Colmar", "Haut-Rhin", GES, 48.079, 7.358),
    ("Lyon", "Rhône", ARA, 45.764, 4.836),
    ("Vesoul", "Haute-Saône", BFC, 47.622, 6.155),
    ("Mâcon", "Saône-et-Loire", BFC, 46.307, 4.829),
    ("Le Mans", "Sarthe", PDL, 48.006, 0.199),
    ("Chambéry", "Savoie", ARA, 45.564, 5.918),
    ("Annecy", "Haute-Savoie", ARA, 45.899, 6.129),
    ("Paris", "Paris", IDF, 48.857, 2.352),
    ("Rouen", "Seine-Maritime", NOR, 49.443, 1.099),
    ("Melun", "Seine-et-Marne", IDF, 48.540, 2.660),
    ("Versailles", "Yvelines", IDF, 48.805, 2.120),
    ("Niort", "Deux-Sèvres", NAQ, 46.323, -0.459),
    ("Amiens", "Somme", HDF, 49.894, 2.296),
    ("Albi", "Tarn", OCC, 43.929, 2.148),
    ("Montauban", "Tarn-et-Garonne", OCC, 44.018, 1.355),
    ("Toulon", "Var", PAC, 43.124, 5.928),
    ("Avignon", "Vaucluse", PAC, 43.949, 4.806),
    ("La Roche-sur-Yon", "Vendée", PDL, 46.670, -1.426),
    ("Poitiers", "Vienne", NAQ, 46.580, 0.340),
    ("Limoges", "Haute-Vienne", NAQ, 45.834, 1.261),
    ("Épinal", "Vosges", GES, 48.172, 6.450),
    ("Auxerre", "Yonne", BFC, 47.798, 3.567),
    ("Belfort", "Territoire de Belfort", BFC, 47.640, 6.863),
    ("Évry-Courcouronnes", "Essonne", IDF, 48.629, 2.441),
    ("Nanterre", "Hauts-de-Seine", IDF, 48.892, 2.207),
    ("Bobigny", "Seine-Saint-Denis", IDF, 48.908, 2.440),
    ("Créteil", "Val-de-Marne", IDF, 48.790, 2.455),
    ("Cergy", "Val-d'Oise", IDF, 49.036, 2.076),
    ("Basse-Terre", "Guadeloupe", "Guadeloupe", 15.998, -61.726),
    ("Fort-de-France", "Martinique", "Martinique", 14.616, -61.059),
    ("Cayenne", "Guyane", "Guyane", 4.937, -52.326),
    ("Saint-Denis", "La Réunion", "La Réunion", -20.882, 55.450),
    ("Mamoudzou", "Mayotte", "Mayotte", -12.780, 45.228),
    # towns that host far more races than their size suggests
    ("Chamonix-Mont-Blanc", "Haute-Savoie", ARA, 45.924, 6.870),
    ("Gérardmer", "Vosges", GES, 48.073, 6.877),
    ("Millau", "Aveyron", OCC, 44.098, 3.078),
    ("Font-Romeu-Odeillo-Via", "Pyrénées-Orientales", OCC, 42.505, 2.040),
    ("Biarritz", "Pyrénées-Atlantiques", NAQ, 43.483, -1.559),
    ("Saint-Malo", "Ille-et-Vilaine", BRE, 48.649, -2.026),
    ("Briançon", "Hautes-Alpes", PAC, 44.897, 6.635),
    ("Cauterets", "Hautes-Pyrénées", OCC, 42.889, -0.115),
    ("Vichy", "Allier", ARA, 46.128, 3.426),
    ("Embrun", "Hautes-Alpes", PAC, 44.564, 6.495),
    ("Aix-en-Provence", "Bouches-du-Rhône", PAC, 43.530, 5.447),
    ("Brest", "Finistère", BRE, 48.390, -4.486),
    ("Lorient", "Morbihan", BRE, 47.748, -3.370),
    ("Reims", "Marne", GES, 49.258, 4.032),
    ("Mulhouse", "Haut-Rhin", GES, 47.750, 7.336),
    ("Bayonne", "Pyrénées-Atlantiques", NAQ, 43.493, -1.475),
    ("Villeurbanne", "Rhône", ARA, 45.767, 4.880),
    ("Porto-Vecchio", "Corse-du-Sud", COR, 41.591, 9.279),
    ("Le Havre", "Seine-Maritime", NOR, 49.494, 0.108),
    ("Saint-Pierre", "La Réunion", "La Réunion", -21.339, 55.478),
]

_BIG = {"Paris": 6.0, "Lyon": 3.0, "Toulouse": 2.5, "Bordeaux": 2.0, "Nantes": 2.0,
        "Marseille": 2.0, "Lille": 2.0, "Chamonix-Mont-Blanc": 2.0, "Annecy": 2.0,
        "Grenoble": 2.0, "Montpellier": 1.5, "Rennes": 1.5, "Strasbourg": 1.5}  # fmt: skip

FRANCE: tuple[Place, ...] = tuple(
    Place(city, dept, region, "FR", "France", lat, lng, _BIG.get(city, 1.0))
    for city, dept, region, lat, lng in _FR
)

ABROAD: tuple[Place, ...] = (
    Place("Bruxelles", None, "Bruxelles-Capitale", "BE", "Belgique", 50.847, 4.357, 2.0),
    Place("Liège", None, "Wallonie", "BE", "Belgique", 50.633, 5.567),
    Place("Genève", None, "Genève", "CH", "Suisse", 46.204, 6.143, 2.0),
    Place("Lausanne", None, "Vaud", "CH", "Suisse", 46.520, 6.633),
    Place("Zermatt", None, "Valais", "CH", "Suisse", 46.020, 7.749),
    Place("Barcelone", None, "Catalogne", "ES", "Espagne", 41.387, 2.170, 1.5),
    Place("Saint-Sébastien", None, "Pays basque", "ES", "Espagne", 43.318, -1.981),
    Place("Madrid", None, "Communauté de Madrid", "ES", "Espagne", 40.417, -3.704),
    Place("Courmayeur", None, "Vallée d'Aoste", "IT", "Italie", 45.791, 6.972),
    Place("Milan", None, "Lombardie", "IT", "Italie", 45.464, 9.190),
    Place("Berlin", None, "Berlin", "DE", "Allemagne", 52.520, 13.405),
    Place("Luxembourg", None, "Luxembourg", "LU", "Luxembourg", 49.611, 6.130),
    Place("Londres", None, "Angleterre", "GB", "Royaume-Uni", 51.507, -0.128),
    Place("New York", None, "New York", "US", "États-Unis", 40.713, -74.006),
    Place("Boston", None, "Massachusetts", "US", "États-Unis", 42.360, -71.058),
    Place("Marrakech", None, "Marrakech-Safi", "MA", "Maroc", 31.630, -7.981),
    Place("Andorre-la-Vieille", None, "Andorre-la-Vieille", "AD", "Andorre", 42.507, 1.522),
    Place("Monaco", None, "Monaco", "MC", "Monaco", 43.738, 7.424),
    Place("Montréal", None, "Québec", "CA", "Canada", 45.502, -73.567),
    Place("Lisbonne", None, "Lisbonne", "PT", "Portugal", 38.722, -9.139),
    Place("Amsterdam", None, "Hollande-Septentrionale", "NL", "Pays-Bas", 52.370, 4.895),
    Place("Tokyo", None, "Tokyo", "JP", "Japon", 35.676, 139.650),
)
